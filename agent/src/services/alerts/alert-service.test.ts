// Alerts by role through AlertService (issue 12): who gets which push, in which words, whose
// snooze holds what, and which alerts a viewer's list leaves out. Real engine, planner, store and
// queue; the push service at the edge records what it was given.
import { describe, expect, it } from 'vitest';
import type { PushPayload } from '../../../../shared/alerts.ts';
import type { Role } from '../../../../shared/roles.ts';
import { PushQueue } from '../../adapters/push/queue.ts';
import { memoryFile } from '../../adapters/state-store/memory.fixtures.ts';
import { DeliveryPlanner } from '../../domain/alerts/delivery.ts';
import {
  AlertEngine,
  DEFAULT_THRESHOLDS,
  emptyAlertMemory,
  type Observation,
} from '../../domain/alerts/engine.ts';
import { calmSample } from '../../domain/alerts/observation.fixtures.ts';
import type { DeviceListener, StoredDevice } from '../devices.ts';
import { AlertService } from './alert-service.ts';
import { emptyPushState, PushStore } from './push-store.ts';

const T0 = Date.UTC(2026, 4, 1, 12, 0, 0);

/** setup subscribes an admin phone and a viewer tablet; `sent` is what each device was pushed. */
async function setup() {
  const roles = new Map<string, Role>([
    ['phone', 'admin'],
    ['tablet', 'viewer'],
  ]);
  const clock = { wallMs: T0, monoMs: 0 };
  const push = new PushStore(memoryFile(emptyPushState()));
  const sent: { endpoint: string; notification: PushPayload['notification'] }[] = [];
  let queue: PushQueue | undefined;
  const alerts = new AlertService({
    engine: new AlertEngine({ ...DEFAULT_THRESHOLDS, undervoltageClearSeconds: 0 }),
    memory: memoryFile(emptyAlertMemory()),
    push,
    queue: (onOutcome) => {
      queue = new PushQueue({
        send: async (target, payload) => {
          const { notification } = JSON.parse(payload) as PushPayload;
          sent.push({ endpoint: target.endpoint, notification });
          return { kind: 'delivered', status: 201 };
        },
        ready: async () => {},
        onOutcome,
        wall: () => clock.wallMs,
      });
      return queue;
    },
    planner: new DeliveryPlanner(),
    clock: { wall: () => clock.wallMs, monotonic: () => clock.monoMs, synced: () => true },
    publicUrl: 'http://pi.test/',
    extraOrigins: [],
    pushEnabled: true,
    roleOf: (deviceId) => roles.get(deviceId) ?? null,
    log: { info: () => {}, error: () => {} },
  });
  for (const deviceId of roles.keys()) {
    await push.save(
      deviceId,
      {
        endpoint: `https://fcm.googleapis.com/fcm/send/${deviceId}`,
        keys: { p256dh: 'p', auth: 'a' },
        vapidPublicKey: push.vapid.publicKey,
        timeZone: 'Europe/Berlin',
        quietHours: null,
      },
      T0,
    );
  }
  /** drain answers the notifications sent since the last call, once the queue is idle. */
  const drain = async () => {
    await queue?.idle();
    return sent
      .splice(0)
      .map(({ endpoint, notification }) => ({ to: endpoint.split('/').at(-1), ...notification }));
  };
  /** pushed answers the tags each device got since the last call. */
  const pushed = async () => {
    const byDevice: Record<string, string[]> = { phone: [], tablet: [] };
    for (const { to, tag } of await drain()) byDevice[to ?? '']?.push(tag ?? '');
    return byDevice;
  };
  const observe = (change: Partial<Observation>) => {
    clock.monoMs += 1000;
    clock.wallMs += 1000;
    alerts.observe(calmSample(clock.monoMs, clock.wallMs, change));
  };
  return { alerts, roles, drain, pushed, observe };
}

const device = (role: Role): StoredDevice => ({
  id: 'kid',
  name: 'Kid’s tablet',
  publicKey: 'k',
  pairedAt: T0,
  lastSeenAt: null,
  role,
});

describe('AlertService push by role', () => {
  it('pushes pairings and role changes to admins only, with the role in the words', async () => {
    const { alerts, drain, pushed } = await setup();
    const listeners: DeviceListener[] = [];
    alerts.followDevices({ listen: (listener) => listeners.push(listener) });
    listeners[0]?.paired?.(device('viewer'));
    const [paired, ...others] = await drain();
    expect(paired).toMatchObject({ to: 'phone', tag: 'device-paired' });
    expect(paired?.body).toContain(
      '“Kid’s tablet” can now see the Pi’s status, backups and alerts.',
    );
    expect(others).toEqual([]);
    listeners[0]?.roleChanged?.(device('admin'), 'viewer');
    const changed = await drain();
    expect(changed).toMatchObject([
      { to: 'phone', tag: 'role-changed', title: 'Device role changed' },
    ]);
    expect(changed[0]?.body).toContain('“Kid’s tablet” is now an admin');
    alerts.event('unlock-failed', { value: 4 });
    alerts.event('pairing-locked', {});
    alerts.event('bad-signatures', { value: 30 });
    expect(await pushed()).toEqual({
      phone: ['unlock-failed', 'pairing-locked', 'bad-signatures'],
      tablet: [],
    });
  });

  it('pushes health, backup and Immich back to every device', async () => {
    const { alerts, pushed, observe } = await setup();
    observe({ undervoltage: true });
    alerts.condition('backup-failed', true, {});
    alerts.event('immich-back', {});
    const all = ['undervoltage', 'backup-failed', 'immich-back'];
    expect(await pushed()).toEqual({ phone: all, tablet: all });
  });

  it('tells a viewer an admin must unlock after a restart, and its tap opens Home', async () => {
    const { drain, observe } = await setup();
    observe({ drive: 'locked' });
    const pushes = await drain();
    const admin = pushes.find((push) => push.to === 'phone');
    const viewer = pushes.find((push) => push.to === 'tablet');
    expect(admin).toMatchObject({
      body: 'Immich is stopped until you unlock the drive. Tap to unlock.',
      navigate: 'http://pi.test/unlock',
    });
    expect(viewer?.title).toBe('Pi restarted: storage is locked');
    expect(viewer?.body).toContain('until an admin unlocks the drive');
    expect(viewer?.body).not.toContain('Tap to unlock');
    expect(viewer?.navigate).toBe('http://pi.test/');
  });

  it('pushes nothing to a subscription whose device is no longer paired', async () => {
    const { alerts, roles, pushed } = await setup();
    roles.delete('tablet');
    alerts.event('immich-back', {});
    expect(await pushed()).toEqual({ phone: ['immich-back'], tablet: [] });
  });
});

describe('AlertService lists and snoozes per device', () => {
  it('leaves the security alerts out of a viewer list and status, in a viewer words', async () => {
    const { alerts, observe } = await setup();
    alerts.event('device-paired', { name: 'Kid', role: 'viewer' });
    alerts.event('unlock-failed', { value: 4 });
    alerts.event('immich-back', {});
    observe({ drive: 'locked' });
    const kinds = (list: { kind: string }[]) => list.map((alert) => alert.kind);
    expect(kinds(alerts.listFor('phone').history)).toEqual([
      'immich-back',
      'unlock-failed',
      'device-paired',
    ]);
    expect(kinds(alerts.listFor('tablet').history)).toEqual(['immich-back']);
    const [locked] = alerts.activeFor('tablet');
    expect(locked).toMatchObject({ id: 'locked-after-boot', navigate: '/' });
    expect(locked?.body).not.toContain('Tap to unlock');
    expect(alerts.activeFor('phone')[0]?.navigate).toBe('/unlock');
    expect(() => alerts.snooze('unlock-failed', 'tablet', 60)).toThrow('No active alert');
  });

  it('holds only the snoozing device pushes, and shows each device its own snooze', async () => {
    const { alerts, pushed, observe } = await setup();
    observe({ undervoltage: true });
    expect(await pushed()).toEqual({ phone: ['undervoltage'], tablet: ['undervoltage'] });
    const snoozed = alerts.snooze('undervoltage', 'tablet', 60);
    expect(snoozed.snoozedUntil).toBe(T0 + 1000 + 3_600_000);
    expect(alerts.activeFor('tablet')[0]?.snoozedUntil).toBe(T0 + 1000 + 3_600_000);
    expect(alerts.listFor('phone').active[0]?.snoozedUntil).toBeNull();
    observe({ undervoltage: false });
    expect(await pushed()).toEqual({ phone: ['undervoltage'], tablet: [] });
  });
});
