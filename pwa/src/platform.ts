// What kind of device and browser the app runs in: install instructions and iOS rules depend on it.

/** isIos tells iPhones and iPads apart, including iPadOS, which calls itself a Mac with touch. */
export function isIos(userAgent: string, maxTouchPoints: number): boolean {
  return /iPhone|iPad|iPod/.test(userAgent) || (/Macintosh/.test(userAgent) && maxTouchPoints > 1);
}

/** isAndroid tells Android devices apart. */
export function isAndroid(userAgent: string): boolean {
  return /Android/.test(userAgent);
}

/**
 * mustInstallBeforePairing is true in iOS Safari outside the home-screen app: iOS keeps Safari's
 * storage apart from the installed app's, so a key made here would not be there (ARCHITECTURE §6).
 */
export function mustInstallBeforePairing(nav: Navigator): boolean {
  return 'standalone' in nav && !(nav as Navigator & { standalone?: boolean }).standalone;
}

/** defaultDeviceName suggests a name for this device from its user agent; the person can edit it. */
export function defaultDeviceName(userAgent: string, maxTouchPoints = 0): string {
  if (/iPad/.test(userAgent) || (/Macintosh/.test(userAgent) && maxTouchPoints > 1)) return 'iPad';
  if (/iPhone|iPod/.test(userAgent)) return 'iPhone';
  if (/Android/.test(userAgent))
    return /Mobile/.test(userAgent) ? 'Android phone' : 'Android tablet';
  if (/Macintosh/.test(userAgent)) return 'Mac';
  if (/Windows/.test(userAgent)) return 'Windows PC';
  if (/CrOS/.test(userAgent)) return 'Chromebook';
  if (/Linux/.test(userAgent)) return 'Linux computer';
  return 'My device';
}
