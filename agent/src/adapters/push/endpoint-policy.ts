// Which push endpoints the agent will POST to (ARCHITECTURE §10): a paired device hands us a URL,
// and it must not be able to make the agent probe the tailnet, the LAN or the Pi itself.
import { isIP } from 'node:net';

/**
 * KNOWN_PUSH_HOSTS are the push services browsers use: an exact host, or `*.` and a suffix that
 * matches any name under it (but not the suffix itself).
 */
export const KNOWN_PUSH_HOSTS: readonly string[] = [
  'fcm.googleapis.com', // Chrome, Edge on Android, Chromium-based browsers
  '*.push.services.mozilla.com', // Firefox (updates.push.services.mozilla.com)
  '*.push.apple.com', // Safari on iOS and macOS (web.push.apple.com)
  '*.notify.windows.com', // Edge on Windows (WNS)
];

function isKnownPushHost(hostname: string): boolean {
  return KNOWN_PUSH_HOSTS.some((rule) =>
    rule.startsWith('*.') ? hostname.endsWith(rule.slice(1)) : hostname === rule,
  );
}

/** originOf is the URL's origin, or null for text that is not a URL (a bad config entry). */
function originOf(text: string): string | null {
  try {
    return new URL(text).origin;
  } catch {
    return null;
  }
}

/**
 * checkPushEndpoint answers null when the agent may POST pushes to `endpoint`, else a short
 * reason for the error message. Only https to a known push service on port 443 passes, or an
 * origin listed exactly in `extraOrigins` (config push.extraOrigins: a push service of your own,
 * or the tests' fake one). URL parsing normalizes hosts first, so `https://2130706433/` is seen
 * as 127.0.0.1 and `FCM.googleapis.com` as the known host.
 */
export function checkPushEndpoint(
  endpoint: string,
  extraOrigins: readonly string[],
): string | null {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'the endpoint is not a URL';
  }
  if (url.protocol !== 'https:') return 'the endpoint must use https';
  if (url.username !== '' || url.password !== '') {
    return 'the endpoint must not carry a user name or password';
  }
  if (extraOrigins.some((origin) => originOf(origin) === url.origin)) return null;
  // An empty port is the default one, 443: URL drops an explicit ":443".
  if (url.port !== '') return 'the endpoint must use port 443';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) !== 0) return 'the endpoint must name a push service, not an IP address';
  if (!isKnownPushHost(url.hostname)) return `${url.hostname} is not a known push service`;
  return null;
}
