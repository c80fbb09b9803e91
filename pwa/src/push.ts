// What a push shows and where a tap on it goes: shared by the service worker and its tests (§10).
import * as v from 'valibot';
import { PushPayload } from '../../shared/alerts.ts';

/** FALLBACK_TITLE is shown for a push this app cannot read: every push must show something. */
export const FALLBACK_TITLE = 'immich-pi';
export const FALLBACK_BODY = 'Your Pi has news. Open the app to see it.';

const ICON = '/icons/icon-192.png';

/** ShownNotification is what the service worker hands to registration.showNotification. */
export interface ShownNotification {
  title: string;
  options: NotificationOptions & { timestamp?: number };
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * notificationFromPush maps a push's text (the Declarative Web Push JSON the agent sends) to a
 * notification. A payload of any other shape, or none, still gives a generic one.
 */
export function notificationFromPush(text: string | null): ShownNotification {
  const parsed = v.safeParse(PushPayload, parseJson(text));
  if (!parsed.success) {
    return { title: FALLBACK_TITLE, options: { body: FALLBACK_BODY, icon: ICON, data: {} } };
  }
  const { title, body, tag, navigate, timestamp, lang, dir, silent } = parsed.output.notification;
  const options: ShownNotification['options'] = { body, icon: ICON, data: { navigate } };
  // Only what the payload sets: an undefined tag or dir is not the same as none to every browser.
  if (tag !== undefined) options.tag = tag;
  if (timestamp !== undefined) options.timestamp = timestamp;
  if (lang !== undefined) options.lang = lang;
  if (dir !== undefined) options.dir = dir;
  if (silent !== undefined) options.silent = silent;
  return { title, options };
}

/**
 * notificationTarget answers the app path a tap on a notification opens: the path of its
 * `navigate` URL, always opened on this app's own origin (the agent's publicUrl may name the Pi
 * differently from the address this phone uses); a URL that is not http(s) opens Home.
 */
export function notificationTarget(data: unknown, origin: string): string {
  const navigate = (data as { navigate?: unknown } | null)?.navigate;
  if (typeof navigate !== 'string') return '/';
  try {
    const url = new URL(navigate, origin);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return '/';
    return url.pathname + url.search + url.hash;
  } catch {
    return '/';
  }
}
