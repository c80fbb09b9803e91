// Push subscriptions, test pushes, alerts, snooze and the temperature history through
// app.request, with the push service at the edge recording what it was given.
import { createECDH, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Alert, AlertsResponse, PushPayload } from '../../../shared/alerts.ts';
import { ROUTES } from '../../../shared/api.ts';
import type { PushSubscriptionResponse } from '../../../shared/push.ts';
import type { StatusResponse } from '../../../shared/status.ts';
import {
  type Agent,
  type Device,
  makeAgent,
  newDevice,
  pairDevice,
  pairedDevice,
  signed,
} from '../app.fixtures.ts';
import { calmSample } from '../domain/alerts/observation.fixtures.ts';

const SUBJECT = 'mailto:owner@example.org';
const ENDPOINT = 'https://fcm.googleapis.com/fcm/send/abc123';

function browserKeys() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    p256dh: ecdh.getPublicKey().toString('base64url'),
    auth: randomBytes(16).toString('base64url'),
  };
}

async function setup(config: Record<string, unknown> = { push: { subject: SUBJECT } }) {
  const agent = makeAgent({ config });
  const phone = await pairedDevice(agent);
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await agent.app.request(await signed(agent, phone, method, path, body));
    return {
      status: res.status,
      body: (await res.json()) as Record<string, unknown> & { error?: { code: string } },
    };
  };
  return { agent, phone, call };
}

async function subscribe(
  call: Awaited<ReturnType<typeof setup>>['call'],
  overrides: Record<string, unknown> = {},
) {
  const { body } = await call('GET', ROUTES.pushSubscriptions);
  return call('POST', ROUTES.pushSubscriptions, {
    endpoint: ENDPOINT,
    keys: browserKeys(),
    vapidPublicKey: (body as unknown as PushSubscriptionResponse).vapidPublicKey,
    timeZone: 'Europe/Berlin',
    quietHours: null,
    ...overrides,
  });
}

const settle = (agent: Agent) => new Promise((resolve) => setTimeout(resolve, 5)).then(() => agent);
const tags = (agent: Agent) =>
  agent.push.sent.map((p) => (JSON.parse(p.payload) as PushPayload).notification.tag);

describe('push subscriptions', () => {
  it('stores one subscription per device and shows back only its origin', async () => {
    const { call } = await setup();
    const answer = await subscribe(call);
    expect(answer.status).toBe(200);
    expect((answer.body as unknown as PushSubscriptionResponse).subscription).toMatchObject({
      endpointOrigin: 'https://fcm.googleapis.com',
      timeZone: 'Europe/Berlin',
      quietHours: null,
      health: { failingSince: null },
    });
    expect(JSON.stringify(answer.body)).not.toContain('abc123');
    const gone = await call('DELETE', ROUTES.pushSubscriptions);
    expect((gone.body as unknown as PushSubscriptionResponse).subscription).toBeNull();
  });

  it('refuses endpoints off the known push services, and a subscription made with another key', async () => {
    const { call } = await setup();
    for (const endpoint of [
      'https://127.0.0.1/x',
      'https://100.101.102.103/x',
      'https://pi.tail1234.ts.net/x',
      'https://fcm.googleapis.com:8443/x',
      'http://fcm.googleapis.com/x',
    ]) {
      const answer = await subscribe(call, { endpoint });
      expect([answer.status, answer.body.error?.code]).toEqual([400, 'push-endpoint-refused']);
    }
    const stale = await subscribe(call, { vapidPublicKey: browserKeys().p256dh });
    expect([stale.status, stale.body.error?.code]).toEqual([409, 'push-key-stale']);
    const bad = await subscribe(call, { keys: { p256dh: 'AAAA', auth: 'BBBB' } });
    expect([bad.status, bad.body.error?.code]).toEqual([400, 'validation-failed']);
  });

  it('queues a test push without waiting for it, and shows failures in status.push', async () => {
    const { agent, call } = await setup();
    expect((await call('POST', ROUTES.pushTest)).body.error?.code).toBe('push-not-subscribed');
    await subscribe(call);
    agent.push.answers.push({ kind: 'rejected', status: 403, reason: 'VAPID token refused' });
    expect(await call('POST', ROUTES.pushTest)).toEqual({ status: 202, body: { queued: true } });
    await settle(agent);
    expect(tags(agent)).toEqual(['test']);
    const status = (await call('GET', ROUTES.status)).body as unknown as StatusResponse;
    expect(status.push).toMatchObject({ failingSince: agent.clock.wallMs });
    expect(status.push?.lastError).toContain('403');
    // 403 never drops a subscription; 410 does.
    agent.push.answers.push({ kind: 'gone', status: 410 });
    await call('POST', ROUTES.pushTest);
    await settle(agent);
    expect(
      ((await call('GET', ROUTES.pushSubscriptions)).body as unknown as PushSubscriptionResponse)
        .subscription,
    ).toBeNull();
  });

  it('pushes a newly paired device to the others, and forgets a revoked device subscription', async () => {
    const { agent, call } = await setup();
    await subscribe(call);
    const tablet = await pairedDevice(agent);
    await settle(agent);
    const paired = JSON.parse(agent.push.sent.at(-1)?.payload ?? '{}') as PushPayload;
    expect(paired.notification).toMatchObject({ title: 'New device paired', tag: 'device-paired' });
    expect(paired.notification.navigate).toBe(
      new URL('/devices', agent.deps.config.publicUrl).href,
    );
    expect(agent.push.sent.at(-1)?.urgency).toBe('high');
    await subscribe(async (m, p, b) => {
      const res = await agent.app.request(await signed(agent, tablet as Device, m, p, b));
      return { status: res.status, body: await res.json() };
    });
    expect(agent.push.store.all()).toHaveLength(2);
    await agent.deps.devices.revoke((agent.push.store.all()[1] ?? [''])[0], agent.clock.wallMs);
    await settle(agent);
    expect(agent.push.store.all()).toHaveLength(1);
  });

  it('keeps alerts without a VAPID subject and pushes nothing', async () => {
    const { agent, call } = await setup({});
    expect((await subscribe(call)).status).toBe(200);
    await pairedDevice(agent);
    await settle(agent);
    expect(agent.push.sent).toEqual([]);
    const alerts = (await call('GET', ROUTES.alerts)).body as { history: { kind: string }[] };
    expect(alerts.history.map((a) => a.kind)).toEqual(['device-paired', 'device-paired']);
  });
});

describe('alerts and history', () => {
  it('lists active alerts, snoozes one and refuses an unknown id', async () => {
    const { agent, call } = await setup();
    agent.alerts.observe(
      calmSample(agent.clock.monoMs, agent.clock.wallMs, { undervoltage: true, drive: 'locked' }),
    );
    const list = (await call('GET', ROUTES.alerts)).body as { active: { id: string }[] };
    expect(list.active.map((a) => a.id).sort()).toEqual(['locked-after-boot', 'undervoltage']);
    const snoozed = await call('POST', ROUTES.alertSnooze('undervoltage'), { minutes: 60 });
    expect(snoozed.body).toMatchObject({
      alert: { id: 'undervoltage', snoozedUntil: agent.clock.wallMs + 3_600_000 },
    });
    const unknown = await call('POST', ROUTES.alertSnooze('temp-high'), { minutes: 60 });
    expect([unknown.status, unknown.body.error?.code]).toEqual([404, 'alert-not-found']);
    const tooLong = await call('POST', ROUTES.alertSnooze('undervoltage'), { minutes: 99_999 });
    expect(tooLong.status).toBe(400);
    const status = (await call('GET', ROUTES.status)).body as unknown as StatusResponse;
    expect(status.alerts.map((a) => a.id)).toContain('undervoltage');
  });

  it('shows a viewer no security alerts, its own words and its own snoozes', async () => {
    const { agent, call } = await setup();
    const tablet = newDevice();
    const code = agent.deps.pairing.mint(undefined, 'viewer').code;
    expect((await pairDevice(agent, tablet, code, 'Tablet')).status).toBe(201);
    const asTablet = async (method: string, path: string, body?: unknown) =>
      (await agent.app.request(await signed(agent, tablet, method, path, body))).json();
    agent.alerts.observe(
      calmSample(agent.clock.monoMs, agent.clock.wallMs, { undervoltage: true, drive: 'locked' }),
    );
    const kinds = (alerts: { kind: string }[]) => alerts.map((a) => a.kind);
    const mine = (await asTablet('GET', ROUTES.alerts)) as AlertsResponse;
    expect(kinds((await call('GET', ROUTES.alerts)).body.history as Alert[])).toEqual([
      'device-paired',
      'device-paired',
    ]);
    expect(mine.history).toEqual([]);
    const locked = mine.active.find((a) => a.id === 'locked-after-boot');
    expect(locked?.navigate).toBe('/');
    expect(locked?.body).toContain('until an admin unlocks the drive');
    const snoozed = (await asTablet('POST', ROUTES.alertSnooze('undervoltage'), {
      minutes: 60,
    })) as {
      alert: Alert;
    };
    expect(snoozed.alert.snoozedUntil).toBe(agent.clock.wallMs + 3_600_000);
    const status = (await asTablet('GET', ROUTES.status)) as StatusResponse;
    expect(status.alerts.find((a) => a.id === 'undervoltage')?.snoozedUntil).toBe(
      agent.clock.wallMs + 3_600_000,
    );
    const phoneStatus = (await call('GET', ROUTES.status)).body as unknown as StatusResponse;
    expect(phoneStatus.alerts.find((a) => a.id === 'undervoltage')?.snoozedUntil).toBeNull();
  });

  it('answers the temperature history in 5-minute buckets', async () => {
    const { agent, call } = await setup();
    agent.push.history.add(agent.clock.wallMs - 60_000, 51);
    agent.push.history.add(agent.clock.wallMs, 53);
    const { body } = await call('GET', ROUTES.temperatureHistory);
    expect(body).toMatchObject({ bucketSeconds: 300 });
    expect((body.points as { meanC: number }[]).map((p) => p.meanC).length).toBeGreaterThan(0);
  });
});
