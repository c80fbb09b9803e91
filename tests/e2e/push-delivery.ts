// Push in headless Chromium, for E2E tests and the quick-unlock bench: a stubbed PushManager (no
// push service here), delivery to the real service worker through CDP, and a notification's click.
import { createECDH, randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { CDPSession, Page, Worker } from 'playwright-core';

/** fakeSubscription is what the stubbed PushManager hands out: a valid endpoint and keys. */
export function fakeSubscription(pushOrigin: string) {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    endpoint: `${pushOrigin}/send/${randomBytes(8).toString('hex')}`,
    p256dh: ecdh.getPublicKey(null, 'uncompressed').toString('base64url'),
    auth: randomBytes(16).toString('base64url'),
  };
}

/** stubPushManager runs in the page: subscribe and getSubscription answer the fake, across reloads. */
export function stubPushManager(fake: { endpoint: string; p256dh: string; auth: string }) {
  const saved = () => localStorage.getItem('e2e-push-key');
  const make = (key: number[]) => ({
    endpoint: fake.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true, applicationServerKey: new Uint8Array(key).buffer },
    toJSON: () => ({
      endpoint: fake.endpoint,
      expirationTime: null,
      keys: { p256dh: fake.p256dh, auth: fake.auth },
    }),
    unsubscribe: async () => {
      localStorage.removeItem('e2e-push-key');
      return true;
    },
  });
  PushManager.prototype.subscribe = async function subscribe(options) {
    const key = [...new Uint8Array(options?.applicationServerKey as ArrayBuffer)];
    localStorage.setItem('e2e-push-key', JSON.stringify(key));
    return make(key) as unknown as PushSubscription;
  };
  PushManager.prototype.getSubscription = async function getSubscription() {
    const key = saved();
    return (key ? make(JSON.parse(key)) : null) as unknown as PushSubscription | null;
  };
}

/** lockedAfterBootPush is the agent's "storage locked" push as it reaches the service worker. */
export function lockedAfterBootPush(origin: string): string {
  return JSON.stringify({
    web_push: 8030,
    notification: {
      title: 'Pi restarted: storage is locked',
      body: 'Immich is stopped until you unlock the drive. Tap to unlock.',
      navigate: `${origin}/unlock`,
      tag: 'locked-after-boot',
    },
  });
}

/** serviceWorkerRegistration answers the id CDP knows the app's worker registration by. */
export async function serviceWorkerRegistration(cdp: CDPSession, origin: string): Promise<string> {
  const found = new Promise<string>((resolve) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const ours = registrations.find((r) => r.scopeURL === `${origin}/` && !r.isDeleted);
      if (ours) resolve(ours.registrationId);
    });
  });
  await cdp.send('ServiceWorker.enable');
  return found;
}

/** shownNotifications lists the worker's notifications, sorted by title (their order is the browser's). */
export async function shownNotifications(page: Page) {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    const shown = await registration.getNotifications();
    return shown
      .map((n) => ({ title: n.title, tag: n.tag }))
      .sort((a, b) => a.title.localeCompare(b.title));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * deliverUntilShown delivers a push through CDP until the notifications shown are `expected`, at
 * most three times, each watched for 4 s: now and then CDP drops a delivery to a worker that is
 * running (seen in about one run in three). A repeat hides no bug: an extra notification fails
 * the comparison.
 */
export async function deliverUntilShown(
  page: Page,
  cdp: CDPSession,
  push: { origin: string; registrationId: string; data: string },
  expected: { title: string; tag: string }[],
): Promise<void> {
  let seen: unknown = null;
  for (let attempt = 1; attempt <= 3; attempt++) {
    await cdp.send('ServiceWorker.deliverPushMessage', push);
    for (let poll = 0; poll < 40; poll++) {
      seen = await shownNotifications(page);
      if (isDeepStrictEqual(seen, expected)) return;
      await sleep(100);
    }
  }
  throw new Error(
    `notifications shown: ${JSON.stringify(seen)}, expected ${JSON.stringify(expected)}`,
  );
}

/** serviceWorker answers the app's running service worker. */
export async function serviceWorker(page: Page): Promise<Worker> {
  const [worker] = page.context().serviceWorkers();
  return worker ?? page.context().waitForEvent('serviceworker');
}

/**
 * clickNotification dispatches notificationclick with the real notification of that tag in the
 * real worker, so its real listener runs (CDP cannot click a notification); only the event is
 * untrusted, so focus() is refused there, which the handler tolerates.
 */
export async function clickNotification(page: Page, tag: string): Promise<void> {
  const worker = await serviceWorker(page);
  await worker.evaluate(async (wanted) => {
    // The worker's global scope; the test's type-check knows only window types.
    const scope = self as unknown as {
      registration: ServiceWorkerRegistration;
      dispatchEvent(event: Event): boolean;
    };
    const [notification] = await scope.registration.getNotifications({ tag: wanted });
    if (!notification) throw new Error('no notification to click');
    const NotificationEvent = (globalThis as unknown as Record<string, typeof Event>)
      .NotificationEvent as unknown as new (
      type: string,
      init: { notification: Notification },
    ) => Event;
    scope.dispatchEvent(new NotificationEvent('notificationclick', { notification }));
  }, tag);
}
