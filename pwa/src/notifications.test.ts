import { describe, expect, it, vi } from 'vitest';
import { toBase64url } from '../../shared/protocol/index.ts';
import type { PushSubscriptionRequest, QuietHours } from '../../shared/push.ts';
import {
  type BrowserPushManager,
  type BrowserSubscription,
  NotificationsDeniedError,
  type PushBrowser,
  PushUnavailableError,
  resendSubscription,
  saveSubscription,
  turnOffNotifications,
  turnOnNotifications,
} from './notifications.ts';

const key = (fill: number) => new Uint8Array(65).fill(fill);
const OLD_KEY = key(1);
const NEW_KEY = key(2);
const P256DH = toBase64url(new Uint8Array(65).fill(9));
const AUTH = toBase64url(new Uint8Array(16).fill(8));
const NIGHT: QuietHours = { start: '22:00', end: '07:00' };

/** A browser whose push manager hands out numbered subscriptions and remembers what happened. */
function fakeBrowser(permission: NotificationPermission, existingKey: Uint8Array | null) {
  const log: string[] = [];
  // Notification.permission is a synchronous call to the browser process: counted apart.
  const reads = { permission: 0 };
  let made = 0;
  const subscription = (applicationServerKey: Uint8Array): BrowserSubscription => {
    const n = ++made;
    return {
      options: { applicationServerKey: applicationServerKey.slice().buffer },
      // Chrome pads nothing, but some browsers did: the request must not carry the padding.
      toJSON: () => ({
        endpoint: `https://fcm.googleapis.com/fcm/send/${n}`,
        keys: { p256dh: `${P256DH}=`, auth: AUTH },
      }),
      unsubscribe: async () => {
        log.push(`unsubscribe ${n}`);
        current = null;
        return true;
      },
    };
  };
  let current: BrowserSubscription | null = existingKey && subscription(existingKey);
  const manager: BrowserPushManager = {
    getSubscription: async () => current,
    subscribe: async (options) => {
      log.push(`subscribe with ${options.applicationServerKey[0]}`);
      current = subscription(options.applicationServerKey);
      return current;
    },
  };
  const browser: PushBrowser = {
    permission: () => {
      reads.permission++;
      return permission;
    },
    requestPermission: async () => {
      log.push('prompt');
      return permission === 'default' ? 'granted' : permission;
    },
    pushManager: async () => manager,
    timeZone: () => 'Europe/Berlin',
  };
  return { browser, log, reads };
}

/** The agent's push calls: its VAPID key, the subscription it keeps, and what it was sent. */
function fakeAgent(vapidKey: Uint8Array, quietHours: QuietHours | null = null) {
  const sent: PushSubscriptionRequest[] = [];
  const log: string[] = [];
  const vapidPublicKey = toBase64url(vapidKey);
  const info = {
    endpointOrigin: 'https://fcm.googleapis.com',
    timeZone: 'UTC',
    quietHours,
    createdAt: 1,
    health: { lastSentAt: null, lastFailedAt: null, failingSince: null, lastError: null },
  };
  return {
    sent,
    log,
    api: {
      pushSubscription: async () => ({ vapidPublicKey, subscription: info }),
      savePushSubscription: async (request: PushSubscriptionRequest) => {
        sent.push(request);
        return { vapidPublicKey, subscription: info };
      },
      deletePushSubscription: async () => {
        log.push('delete');
      },
    },
  };
}

describe('notifications', () => {
  it('asks, subscribes with the agent key and sends the subscription with the time zone', async () => {
    const { browser, log } = fakeBrowser('default', null);
    const agent = fakeAgent(NEW_KEY);
    await turnOnNotifications(agent.api, browser, NIGHT);
    expect(log).toEqual(['prompt', 'subscribe with 2']);
    expect(agent.sent).toEqual([
      {
        endpoint: 'https://fcm.googleapis.com/fcm/send/1',
        keys: { p256dh: P256DH, auth: AUTH },
        vapidPublicKey: toBase64url(NEW_KEY),
        timeZone: 'Europe/Berlin',
        quietHours: NIGHT,
      },
    ]);
  });

  it('gives up with plain words when the browser push service never answers', async () => {
    vi.useFakeTimers();
    try {
      const { browser } = fakeBrowser('default', null);
      const manager = (await browser.pushManager()) as BrowserPushManager;
      manager.subscribe = () => new Promise(() => {}); // offline: never settles
      const agent = fakeAgent(NEW_KEY);
      const turning = turnOnNotifications(agent.api, browser, null);
      const outcome = expect(turning).rejects.toThrow(PushUnavailableError);
      await vi.advanceTimersByTimeAsync(30_000);
      await outcome;
      expect(agent.sent).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops with a denied permission and subscribes nothing', async () => {
    const { browser, log } = fakeBrowser('denied', null);
    const agent = fakeAgent(NEW_KEY);
    await expect(turnOnNotifications(agent.api, browser, null)).rejects.toBeInstanceOf(
      NotificationsDeniedError,
    );
    expect(log).toEqual(['prompt']);
    expect(agent.sent).toEqual([]);
  });

  it('re-sends at launch with the key used, keeping the quiet hours the agent has', async () => {
    const { browser, log } = fakeBrowser('granted', NEW_KEY);
    const agent = fakeAgent(NEW_KEY, NIGHT);
    const sent = await resendSubscription(agent.api, browser);
    expect(log).toEqual([]);
    expect(sent?.vapidPublicKey).toBe(toBase64url(NEW_KEY));
    expect(sent?.quietHours).toEqual(NIGHT);
    expect(agent.sent).toHaveLength(1);
  });

  it('subscribes again at launch when the agent has a new VAPID key', async () => {
    const { browser, log } = fakeBrowser('granted', OLD_KEY);
    const agent = fakeAgent(NEW_KEY);
    const sent = await resendSubscription(agent.api, browser);
    expect(log).toEqual(['unsubscribe 1', 'subscribe with 2']);
    expect(sent?.endpoint).toBe('https://fcm.googleapis.com/fcm/send/2');
    expect(sent?.vapidPublicKey).toBe(toBase64url(NEW_KEY));
  });

  it('never prompts or sends at launch without a permission or a subscription', async () => {
    for (const [permission, existing] of [
      ['default', null],
      ['denied', OLD_KEY],
      ['granted', null],
    ] as const) {
      const { browser, log, reads } = fakeBrowser(permission, existing);
      const agent = fakeAgent(NEW_KEY);
      expect(await resendSubscription(agent.api, browser)).toBeNull();
      expect(log).toEqual([]);
      // Without a subscription it does not even read the permission.
      expect(reads.permission).toBe(existing ? 1 : 0);
      expect(agent.sent).toEqual([]);
    }
  });

  it('saves quiet hours with the key the subscription was made with', async () => {
    const { browser } = fakeBrowser('granted', OLD_KEY);
    const agent = fakeAgent(NEW_KEY);
    await saveSubscription(agent.api, browser, { start: '23:30', end: '06:15' });
    expect(agent.sent[0]?.vapidPublicKey).toBe(toBase64url(OLD_KEY));
    expect(agent.sent[0]?.quietHours).toEqual({ start: '23:30', end: '06:15' });
  });

  it('turns off in the browser and at the agent', async () => {
    const { browser, log } = fakeBrowser('granted', NEW_KEY);
    const agent = fakeAgent(NEW_KEY);
    await turnOffNotifications(agent.api, browser);
    expect(log).toEqual(['unsubscribe 1']);
    expect(agent.log).toEqual(['delete']);
  });
});
