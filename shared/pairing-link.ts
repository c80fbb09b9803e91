// The link a new device opens to pair: the app's pair screen with the one-time code filled in.
// The CLI prints it and shows it as a QR code; the Devices screen shows it as one too (§6).

const CODE_IN_FRAGMENT = /(?:^#|&)code=([0-9A-Za-z-]{1,16})(?:&|$)/;

/**
 * pairingLink is `<app>/pair#code=XXXX-XXXX`. The code rides in the fragment, which browsers never
 * send: it stays out of the agent's, a proxy's and the tailnet's request logs.
 */
export function pairingLink(appUrl: string, code: string): string {
  return `${appUrl.replace(/\/+$/, '')}/pair#code=${encodeURIComponent(code)}`;
}

/** codeInFragment reads the code back from a location's hash ("#code=…"), or null. */
export function codeInFragment(hash: string): string | null {
  return CODE_IN_FRAGMENT.exec(hash)?.[1] ?? null;
}
