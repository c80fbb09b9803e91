// Alerts end to end: the real agent process on a sandbox Pi samples every second, raises alerts
// from the sandbox's files, and pushes them to a local HTTPS push service that checks the VAPID
// token and decrypts the aes128gcm body with the independent http_ece library.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeLoopbackPort } from '../../sandbox-pi/immich-stub.ts';
import { DEMO_PASSPHRASE, type SandboxPi } from '../../sandbox-pi/index.ts';
import type { PushPayload } from '../../shared/alerts.ts';
import { ROUTES } from '../../shared/api.ts';
import type { PushSubscriptionRequest, PushSubscriptionResponse } from '../../shared/push.ts';
import type { StatusResponse, TemperatureHistoryResponse } from '../../shared/status.ts';
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
import { pollOperation, postUnlock, randomPassphrase } from '../fixtures/unlock-client.ts';

let service: FakePushService;
let pi: SandboxPi;
let agent: AgentProcess;
let phone: PairedDevice;
let subscription: ReturnType<FakePushService['subscription']>;

const json = async <T>(response: Response) => (await response.json()) as T;

/** subscribe sends this phone's subscription as the PWA does, with the agent's VAPID key. */
async function subscribe(device: PairedDevice, endpoint = subscription.endpoint) {
  const { vapidPublicKey } = await json<PushSubscriptionResponse>(
    await device.signedFetch('GET', ROUTES.pushSubscriptions),
  );
  const body: PushSubscriptionRequest = {
    endpoint,
    keys: subscription.keys,
    vapidPublicKey,
    timeZone: 'Europe/Berlin',
    quietHours: null,
  };
  return device.signedFetch('POST', ROUTES.pushSubscriptions, body);
}

/** nextPush waits for the next push whose notification tag matches, and answers its payload. */
async function nextPush(tag: string, after = service.received.length, timeoutMs = 8000) {
  const tagOf = (p: (typeof service.received)[number]) =>
    (JSON.parse(p.payload) as PushPayload).notification.tag;
  const push = await service
    .waitFor((p) => service.received.indexOf(p) >= after && tagOf(p) === tag, timeoutMs)
    .catch((error: Error) => {
      const seen = service.received.slice(after).map(tagOf).join(', ') || 'none';
      throw new Error(`${error.message} tagged ${tag} (since then: ${seen})`);
    });
  return { ...push, json: JSON.parse(push.payload) as PushPayload };
}

/** hottest answers the highest maximum of the temperature history, or null when it is empty. */
async function hottest(): Promise<number | null> {
  const response = await phone.signedFetch('GET', ROUTES.temperatureHistory);
  const { points } = await json<TemperatureHistoryResponse>(response);
  return points.length === 0 ? null : Math.max(...points.map((p) => p.maxC));
}

/** waitUntil polls check every 50 ms, 10 s at most. */
async function waitUntil(check: () => boolean) {
  await eventually('the push service to be called', check).catch(() => undefined);
  expect(check()).toBe(true);
}

beforeAll(async () => {
  service = await startFakePushService();
  ({ pi, agent, phone } = await pairedAgent({
    phoneName: 'Phone',
    port: await freeLoopbackPort(), // the same after each restart: the phone keeps its URL
    sampleIntervalSeconds: 1,
    push: { extraOrigins: [service.origin], caFile: service.caFile },
    alerts: {
      tempHighHoldSeconds: 0,
      tempClearHoldSeconds: 0,
      undervoltageClearSeconds: 0,
      serviceDownSeconds: 1,
      renotifyMinutes: 0,
      eventMinIntervalSeconds: 0,
    },
  }));
  subscription = service.subscription();
  expect((await subscribe(phone)).status).toBe(200);
});

afterAll(async () => {
  await stopAllAgents();
  await pi?.remove();
  await service?.close();
});

describe('alerts pushed by the real agent', () => {
  it('sends "Pi restarted: storage is locked" once per boot, signed with VAPID and encrypted', async () => {
    await agent.stop();
    await pi.reboot();
    const before = service.received.length;
    agent = await startAgent(pi);
    const push = await nextPush('locked-after-boot', before);
    expect(push.json).toMatchObject({
      web_push: 8030,
      notification: {
        title: 'Pi restarted: storage is locked',
        navigate: new URL('/unlock', pi.config.publicUrl).href,
        tag: 'locked-after-boot',
      },
    });
    expect(push.vapid.claims).toMatchObject({ aud: service.origin, sub: pi.config.push.subject });
    expect(push.headers.ttl).toBe(String(pi.config.push.ttlSeconds));

    // The same boot again (an agent restart, not a reboot): no second push.
    await agent.stop();
    const count = service.received.length;
    agent = await startAgent(pi);
    // First a positive marker: a sample after the restart reached the alerts (a temperature set
    // after the restart shows in the history; the same sample fed the alerts), then a test push
    // queued after it arrived. A device's pushes go out in order, so a second locked-after-boot
    // from that sample would have arrived before it.
    await pi.setTemperature(58.9);
    await eventually('a sample after the restart', async () => (await hottest()) === 58.9);
    expect((await phone.signedFetch('POST', ROUTES.pushTest)).status).toBe(202);
    await nextPush('test', count);
    const again = service.received.slice(count).map((p) => JSON.parse(p.payload).notification.tag);
    expect(again).not.toContain('locked-after-boot');
  });

  it('keeps the temperature history across an agent restart', async () => {
    await pi.setTemperature(66.6);
    await eventually('the reading in the history', async () => (await hottest()) === 66.6);
    await agent.stop();
    await pi.setTemperature(50);
    agent = await startAgent(pi);
    // At once, before a sample could have made it: the chart after a reboot is not empty.
    expect(await hottest()).toBe(66.6);
  });

  it('raises overheating and replaces it with a resolved notification under the same tag', async () => {
    await pi.setTemperature(85);
    const raised = await nextPush('temp-high');
    expect(raised.json.notification.title).toBe('Pi is overheating (85 °C)');
    expect(raised.headers.urgency).toBe('high');
    const status = await json<StatusResponse>(await phone.signedFetch('GET', ROUTES.status));
    expect(status.alerts.map((a) => a.id)).toContain('temp-high');
    await pi.setTemperature(50);
    const resolved = await nextPush('temp-high');
    expect(resolved.json.notification.title).toBe('Resolved: Pi is overheating (85 °C)');
  });

  it('raises under-voltage from the hwmon alarm', async () => {
    await pi.setUndervoltage(true);
    expect((await nextPush('undervoltage')).json.notification.title).toBe('Pi power is too low');
    await pi.setUndervoltage(false);
    await nextPush('undervoltage');
  });

  it('raises a wrong unlock passphrase with the tries left', async () => {
    const answer = await postUnlock(phone, randomPassphrase());
    expect(answer.status).toBe(202);
    const push = await nextPush('unlock-failed');
    expect(push.json.notification.body).toMatch(/4 tries left/);
  });

  it('raises a newly paired device by name', async () => {
    const before = service.received.length;
    await pairDevice(agent.url, (await mintCode(pi)).code, 'Kitchen tablet');
    const push = await nextPush('device-paired', before);
    expect(push.json.notification.body).toContain('“Kitchen tablet”');
  });

  it('says Immich is back after an unlock, then raises service-down and drive-gone while running', async () => {
    const before = service.received.length;
    const started = await postUnlock(phone, DEMO_PASSPHRASE);
    expect(started.status).toBe(202);
    const done = await pollOperation(phone, started.body.operationId, { everyMs: 100 });
    expect(done.state).toBe('succeeded');
    expect((await nextPush('immich-back', before)).json.notification.title).toBe('Immich is back');
    // The unlock also cleared the locked-after-boot alert.
    const status = await json<StatusResponse>(await phone.signedFetch('GET', ROUTES.status));
    expect(status.alerts.map((a) => a.id)).not.toContain('locked-after-boot');

    await pi.setUnitState('immich-server.service', 'failed');
    expect((await nextPush('service-down:immich-server.service')).json.notification.title).toBe(
      'Immich stopped',
    );
    await pi.setUnitState('immich-server.service', 'active');
    const back = await nextPush('service-down:immich-server.service');
    expect(back.json.notification.title).toBe('Resolved: Immich stopped');
    await pi.setMapperOpen(false);
    expect((await nextPush('drive-gone')).json.notification.title).toBe('Photo drive disconnected');
    await pi.setMapperOpen(true);
    expect((await nextPush('drive-gone')).json.notification.title).toBe(
      'Resolved: Photo drive disconnected',
    );
  });
});

describe('push delivery', () => {
  it('sends a test notification without blocking the request', async () => {
    const before = service.received.length;
    const answer = await phone.signedFetch('POST', ROUTES.pushTest);
    expect(answer.status).toBe(202);
    expect((await nextPush('test', before)).json.notification.title).toBe('Test notification');
  });

  it('keeps answering API requests while a push hangs, and delivers it after the timeout', async () => {
    service.respond('hang');
    const before = service.received.length;
    const requests = service.requests;
    await phone.signedFetch('POST', ROUTES.pushTest);
    await waitUntil(() => service.requests > requests);
    const started = performance.now();
    expect((await phone.signedFetch('GET', ROUTES.status)).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(1000);
    service.respond(201);
    // 5 s timeout, then the first backoff (2 s).
    expect((await nextPush('test', before, 15_000)).json.notification.title).toBe(
      'Test notification',
    );
  });

  it('retries a 500 with backoff', async () => {
    service.respond(500);
    const before = service.received.length;
    const requests = service.requests;
    await phone.signedFetch('POST', ROUTES.pushTest);
    await waitUntil(() => service.requests > requests);
    service.respond(201);
    await nextPush('test', before);
    expect(service.requests).toBe(requests + 2);
  });

  it('refuses at registration an endpoint on a private or loopback address not in config', async () => {
    for (const endpoint of [
      'https://127.0.0.2/push/x',
      'https://100.100.1.1/push/x',
      'http://fcm.googleapis.com/fcm/send/x',
    ]) {
      const answer = await subscribe(phone, endpoint);
      expect(answer.status).toBe(400);
      expect(await answer.json()).toMatchObject({ error: { code: 'push-endpoint-refused' } });
    }
  });

  it('drops the subscription when the push service answers 410', async () => {
    service.respond(410);
    const requests = service.requests;
    await phone.signedFetch('POST', ROUTES.pushTest);
    await waitUntil(() => service.requests > requests);
    service.respond(201);
    const read = async () =>
      json<PushSubscriptionResponse>(await phone.signedFetch('GET', ROUTES.pushSubscriptions));
    const answer = await eventually('the subscription to be dropped', read, {
      until: (a) => a.subscription === null,
      timeoutMs: 3_000,
      everyMs: 100,
    }).catch(read);
    expect(answer?.subscription).toBeNull();
    const test = await phone.signedFetch('POST', ROUTES.pushTest);
    expect(await test.json()).toMatchObject({ error: { code: 'push-not-subscribed' } });
  });
});
