// Turning push notifications on and off in this browser, and keeping the agent's copy fresh (§10).

import { fromBase64url, toBase64url } from '../../shared/protocol/index.ts';
import type {
  PushSubscriptionRequest,
  PushSubscriptionResponse,
  QuietHours,
} from '../../shared/push.ts';
import type { PushCalls } from './api/push.ts';

/** The part of the browser's PushSubscription used here (tests pass plain objects). */
export interface BrowserSubscription {
  options: { applicationServerKey: ArrayBuffer | null };
  toJSON(): { endpoint?: string; keys?: Record<string, string> };
  unsubscribe(): Promise<boolean>;
}

/** The part of a ServiceWorkerRegistration's PushManager used here. */
export interface BrowserPushManager {
  getSubscription(): Promise<BrowserSubscription | null>;
  subscribe(options: {
    userVisibleOnly: true;
    applicationServerKey: Uint8Array<ArrayBuffer>;
  }): Promise<BrowserSubscription>;
}

/** PushBrowser is the browser as this module needs it; browserPush() is the real one. */
export interface PushBrowser {
  permission(): NotificationPermission | 'unsupported';
  requestPermission(): Promise<NotificationPermission>;
  /** The active service worker's push manager, or null when there is none (yet). */
  pushManager(): Promise<BrowserPushManager | null>;
  timeZone(): string;
}

type AgentPush = Pick<
  PushCalls,
  'pushSubscription' | 'savePushSubscription' | 'deletePushSubscription'
>;

/** PushUnavailableError says in plain words why this browser cannot take pushes now. */
export class PushUnavailableError extends Error {
  override name = 'PushUnavailableError';
}

/** NotificationsDeniedError means the person (or the browser) refused the permission. */
export class NotificationsDeniedError extends Error {
  override name = 'NotificationsDeniedError';
}

const READY_TIMEOUT_MS = 10_000;
/** A phone offline, or a browser whose push service is unreachable, never settles subscribe(). */
const SUBSCRIBE_TIMEOUT_MS = 30_000;

/** withTimeout answers what `work` resolves to, or `fallback()` once `ms` have passed. */
function withTimeout<T>(work: Promise<T>, ms: number, fallback: () => T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<T>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(fallback());
      } catch (error) {
        reject(error);
      }
    }, ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** browserPush answers the real browser; without service workers or push it has no push manager. */
export function browserPush(): PushBrowser {
  const supported =
    typeof Notification !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window;
  return {
    permission: () => (supported ? Notification.permission : 'unsupported'),
    requestPermission: () => Notification.requestPermission(),
    async pushManager() {
      if (!supported) return null;
      const registration = await withTimeout<ServiceWorkerRegistration | null>(
        navigator.serviceWorker.ready,
        READY_TIMEOUT_MS,
        () => null,
      );
      return (registration?.pushManager as BrowserPushManager | undefined) ?? null;
    },
    timeZone: () => Intl.DateTimeFormat().resolvedOptions().timeZone,
  };
}

const unpadded = (text = '') => text.replace(/=+$/, '');

/** subscriptionRequest is what the agent is told about a browser subscription. */
export function subscriptionRequest(
  subscription: BrowserSubscription,
  vapidPublicKey: string,
  timeZone: string,
  quietHours: QuietHours | null,
): PushSubscriptionRequest {
  const { endpoint = '', keys = {} } = subscription.toJSON();
  return {
    endpoint,
    keys: { p256dh: unpadded(keys.p256dh), auth: unpadded(keys.auth) },
    vapidPublicKey,
    timeZone,
    quietHours,
  };
}

/** keyUsed answers the VAPID key a subscription was made with, as base64url, or null. */
function keyUsed(subscription: BrowserSubscription): string | null {
  const key = subscription.options.applicationServerKey;
  return key ? toBase64url(new Uint8Array(key)) : null;
}

/** subscribeWith makes a new subscription with the agent's key, dropping one made with another. */
async function subscribeWith(manager: BrowserPushManager, vapidPublicKey: string) {
  const existing = await manager.getSubscription();
  if (existing && keyUsed(existing) === vapidPublicKey) return existing;
  await existing?.unsubscribe();
  const applicationServerKey = fromBase64url(vapidPublicKey);
  if (!applicationServerKey)
    throw new PushUnavailableError('The Pi sent a notification key this app cannot read.');
  const subscribing = manager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: new Uint8Array(applicationServerKey),
  });
  return withTimeout(subscribing, SUBSCRIBE_TIMEOUT_MS, () => {
    throw new PushUnavailableError(
      'The browser’s push service did not answer. Check that this phone is online, then try again.',
    );
  });
}

/**
 * turnOnNotifications asks for the permission (call it from a tap: browsers refuse otherwise),
 * subscribes with the agent's VAPID key and registers the subscription with the agent.
 */
export async function turnOnNotifications(
  api: AgentPush,
  browser: PushBrowser,
  quietHours: QuietHours | null,
): Promise<PushSubscriptionResponse> {
  if ((await browser.requestPermission()) !== 'granted') throw new NotificationsDeniedError();
  const manager = await browser.pushManager();
  if (!manager) {
    throw new PushUnavailableError('This browser has no service worker running for this app.');
  }
  const { vapidPublicKey } = await api.pushSubscription();
  const subscription = await subscribeWith(manager, vapidPublicKey);
  return api.savePushSubscription(
    subscriptionRequest(subscription, vapidPublicKey, browser.timeZone(), quietHours),
  );
}

/** turnOffNotifications ends the browser's subscription and the agent's copy of it. */
export async function turnOffNotifications(api: AgentPush, browser: PushBrowser): Promise<void> {
  const manager = await browser.pushManager();
  await (await manager?.getSubscription())?.unsubscribe();
  await api.deletePushSubscription();
}

/** browserSubscription answers this browser's subscription, null when it has none or no push. */
export async function browserSubscription(
  browser: PushBrowser,
): Promise<BrowserSubscription | null> {
  if (browser.permission() !== 'granted') return null;
  return (await (await browser.pushManager())?.getSubscription()) ?? null;
}

/**
 * saveSubscription sends this browser's subscription again with the VAPID key it was made with,
 * the phone's time zone now and `quietHours`. Answers null when the browser has none.
 */
export async function saveSubscription(
  api: AgentPush,
  browser: PushBrowser,
  quietHours: QuietHours | null,
): Promise<PushSubscriptionResponse | null> {
  const subscription = await browserSubscription(browser);
  const key = subscription && keyUsed(subscription);
  if (!(subscription && key)) return null;
  return api.savePushSubscription(
    subscriptionRequest(subscription, key, browser.timeZone(), quietHours),
  );
}

/**
 * resendSubscription runs at every launch, never prompting: Safari has no pushsubscriptionchange,
 * so the agent learns of a changed subscription only this way. A subscription made with a VAPID
 * key the agent no longer uses is replaced by one made with its key. Answers what was sent.
 */
export async function resendSubscription(
  api: AgentPush,
  browser: PushBrowser,
): Promise<PushSubscriptionRequest | null> {
  // The push manager first, unlike Settings (which must not wait for a service worker that may
  // never be ready): Notification.permission is a synchronous call to the browser process,
  // measured up to 25 ms as a fresh browser starts, and most launches have no subscription.
  const subscription = await (await browser.pushManager())?.getSubscription();
  if (!subscription || browser.permission() !== 'granted') return null;
  const agent = await api.pushSubscription();
  const quietHours = agent.subscription?.quietHours ?? null;
  let current = subscription;
  if (keyUsed(subscription) !== agent.vapidPublicKey) {
    const manager = await browser.pushManager();
    if (!manager) return null;
    current = await subscribeWith(manager, agent.vapidPublicKey);
  }
  const request = subscriptionRequest(
    current,
    agent.vapidPublicKey,
    browser.timeZone(),
    quietHours,
  );
  await api.savePushSubscription(request);
  return request;
}
