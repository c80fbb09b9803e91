// Alerts by role and snoozes per device (issue 12) on the real agent: an admin phone and a viewer
// tablet both subscribe to the local push service. Security pushes reach the phone only, the
// tablet's "storage is locked" says an admin must unlock, a snooze from the tablet holds only the
// tablet's pushes, and a snooze saved by an older agent (one for every device) still holds both.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeStateFile } from '../../agent/src/adapters/state-store/load.ts';
import { freeLoopbackPort } from '../../sandbox-pi/immich-stub.ts';
import type { SandboxPi } from '../../sandbox-pi/index.ts';
import type { AlertsResponse, PushPayload } from '../../shared/alerts.ts';
import { ROUTES } from '../../shared/api.ts';
import type { PushSubscriptionResponse } from '../../shared/push.ts';
import {
  type AgentProcess,
  mintCode,
  type PairedDevice,
  pairDevice,
  pairedAgent,
  startAgent,
  stopAllAgents,
} from '../fixtures/agent-process.ts';
import { eventually } from '../fixtures/eventually.ts';
import { type FakePushService, startFakePushService } from '../fixtures/push-service.ts';

let service: FakePushService;
let pi: SandboxPi;
let agent: AgentProcess;
const devices: Record<'phone' | 'tablet', { device: PairedDevice; endpoint: string }> = {} as never;

const json = async <T>(response: Response) => (await response.json()) as T;

/** subscribe gives a device its own subscription on the push service and answers its endpoint. */
async function subscribe(device: PairedDevice): Promise<string> {
  const { endpoint, keys } = service.subscription();
  const { vapidPublicKey } = await json<PushSubscriptionResponse>(
    await device.signedFetch('GET', ROUTES.pushSubscriptions),
  );
  const body = { endpoint, keys, vapidPublicKey, timeZone: 'Europe/Berlin', quietHours: null };
  expect((await device.signedFetch('POST', ROUTES.pushSubscriptions, body)).status).toBe(200);
  return endpoint;
}

/** tagsFor answers the tags pushed to one device since `after`. */
const tagsFor = (name: 'phone' | 'tablet', after: number) =>
  service.received
    .slice(after)
    .filter((push) => push.endpoint === devices[name].endpoint)
    .map((push) => (JSON.parse(push.payload) as PushPayload).notification.tag);

/** nextPush waits for a push with this tag to this device after `after`. */
const nextPush = (name: 'phone' | 'tablet', tag: string, after: number) =>
  service.waitFor(
    (push) =>
      service.received.indexOf(push) >= after &&
      push.endpoint === devices[name].endpoint &&
      (JSON.parse(push.payload) as PushPayload).notification.tag === tag,
    8000,
  );

/** alertsOf answers what GET /alerts shows this device. */
const alertsOf = async (name: 'phone' | 'tablet') =>
  json<AlertsResponse>(await devices[name].device.signedFetch('GET', ROUTES.alerts));

/**
 * sentNothingElse checks a device got no push tagged `tag` since `after`, after a positive marker:
 * a test push queued now. A device's pushes go out in order, so one queued before it came first.
 */
async function sentNothingElse(name: 'phone' | 'tablet', tag: string, after: number) {
  const marker = service.received.length;
  expect((await devices[name].device.signedFetch('POST', ROUTES.pushTest)).status).toBe(202);
  await nextPush(name, 'test', marker);
  expect(tagsFor(name, after)).not.toContain(tag);
}

beforeAll(async () => {
  service = await startFakePushService();
  let phone: PairedDevice;
  ({ pi, agent, phone } = await pairedAgent({
    phoneName: 'Phone',
    port: await freeLoopbackPort(), // the same after the restart: the devices keep their URL
    sampleIntervalSeconds: 1,
    push: { extraOrigins: [service.origin], caFile: service.caFile },
    alerts: { undervoltageClearSeconds: 0, renotifyMinutes: 0 },
  }));
  const tablet = await pairDevice(agent.url, (await mintCode(pi, 'Tablet', 'viewer')).code);
  devices.phone = { device: phone, endpoint: await subscribe(phone) };
  devices.tablet = { device: tablet, endpoint: await subscribe(tablet) };
});

afterAll(async () => {
  await stopAllAgents();
  await pi?.remove();
  await service?.close();
});

describe('push by role on the real agent', () => {
  it('pushes a new pairing to the admin only', async () => {
    const before = service.received.length;
    await pairDevice(agent.url, (await mintCode(pi, 'Laptop', 'viewer')).code);
    const paired = await nextPush('phone', 'device-paired', before);
    expect((JSON.parse(paired.payload) as PushPayload).notification.body).toContain(
      '“Laptop” can now see the Pi’s status, backups and alerts.',
    );
    await sentNothingElse('tablet', 'device-paired', before);
    expect((await alertsOf('tablet')).history.map((a) => a.kind)).not.toContain('device-paired');
  });

  it('tells the viewer after a restart that an admin must unlock, and opens Home', async () => {
    await agent.stop();
    await pi.reboot();
    const before = service.received.length;
    agent = await startAgent(pi);
    const words = async (name: 'phone' | 'tablet') =>
      (JSON.parse((await nextPush(name, 'locked-after-boot', before)).payload) as PushPayload)
        .notification;
    expect(await words('phone')).toMatchObject({
      body: 'Immich is stopped until you unlock the drive. Tap to unlock.',
      navigate: new URL('/unlock', pi.config.publicUrl).href,
    });
    const viewer = await words('tablet');
    expect(viewer.title).toBe('Pi restarted: storage is locked');
    expect(viewer.body).toContain('until an admin unlocks the drive');
    expect(viewer.body).not.toContain('Tap to unlock');
    expect(viewer.navigate).toBe(new URL('/', pi.config.publicUrl).href);
  });
});

describe('snoozes per device on the real agent', () => {
  it('holds only the pushes of the device that snoozed, and shows each its own snooze', async () => {
    const raisedAt = service.received.length;
    await pi.setUndervoltage(true);
    await nextPush('phone', 'undervoltage', raisedAt);
    await nextPush('tablet', 'undervoltage', raisedAt);

    const snooze = await devices.tablet.device.signedFetch(
      'POST',
      ROUTES.alertSnooze('undervoltage'),
      { minutes: 60 },
    );
    expect(snooze.status).toBe(200);
    const until = (await json<{ alert: { snoozedUntil: number } }>(snooze)).alert.snoozedUntil;
    expect(until).toBeGreaterThan(Date.now());
    const shown = async (name: 'phone' | 'tablet') =>
      (await alertsOf(name)).active.find((a) => a.id === 'undervoltage')?.snoozedUntil;
    expect(await shown('tablet')).toBe(until);
    expect(await shown('phone')).toBeNull();

    const clearedAt = service.received.length;
    await pi.setUndervoltage(false);
    const resolved = await nextPush('phone', 'undervoltage', clearedAt);
    expect((JSON.parse(resolved.payload) as PushPayload).notification.title).toMatch(/^Resolved/);
    await sentNothingElse('tablet', 'undervoltage', clearedAt);
  });

  it('keeps a snooze saved before snoozes were per device for every device', async () => {
    await pi.setUndervoltage(true);
    await eventually('under-voltage raised', async () =>
      (await alertsOf('phone')).active.some((a) => a.id === 'undervoltage'),
    );
    await agent.stop();
    // alerts.json as an older agent wrote it: one snooze, no device.
    const file = join(pi.config.stateDir, 'alerts.json');
    const { data } = JSON.parse(await readFile(file, 'utf8')) as { data: Record<string, unknown> };
    const until = Date.now() + 3_600_000;
    await writeFile(file, encodeStateFile({ ...data, snoozes: [{ id: 'undervoltage', until }] }));

    const restartedAt = service.received.length;
    agent = await startAgent(pi);
    await eventually('under-voltage raised again after the restart', async () =>
      (await alertsOf('tablet')).active.some((a) => a.id === 'undervoltage'),
    );
    for (const name of ['phone', 'tablet'] as const) {
      const alert = (await alertsOf(name)).active.find((a) => a.id === 'undervoltage');
      expect(alert?.snoozedUntil, name).toBe(until);
      await sentNothingElse(name, 'undervoltage', restartedAt);
    }
  });
});
