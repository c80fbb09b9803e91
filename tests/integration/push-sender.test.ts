// The real Web Push sender against a fake push service over real TLS: what arrives decrypts to
// what was sent, the VAPID token is right, each answer maps to the right outcome, and the queue
// retries and keeps devices apart with the real sender.
import { Agent } from 'node:https';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PushQueue } from '../../agent/src/adapters/push/queue.ts';
import {
  type SendOptions,
  type SendOutcome,
  sendPush,
} from '../../agent/src/adapters/push/send.ts';
import { newVapidKeys } from '../../agent/src/adapters/push/vapid.ts';
import { eventually } from '../fixtures/eventually.ts';
import { type FakePushService, startFakePushService } from '../fixtures/push-service.ts';

let service: FakePushService;
let options: SendOptions;
const vapid = newVapidKeys();
const SUBJECT = 'mailto:owner@example.org';

beforeAll(async () => {
  service = await startFakePushService();
  options = {
    vapid,
    subject: SUBJECT,
    ttlSeconds: 3600,
    urgency: 'high',
    topic: 'temp-high',
    agent: new Agent({ ca: service.caPem }),
    timeoutMs: 2_000,
  };
});
afterAll(async () => {
  await service?.close();
  options?.agent?.destroy();
});

const payloadOf = (title: string) =>
  JSON.stringify({ web_push: 8030, notification: { title, navigate: 'https://pi.example.org/' } });

describe('sendPush', () => {
  it('delivers a payload the subscriber decrypts, with a right VAPID token and headers', async () => {
    service.respond(201);
    const target = service.subscription();
    const payload = payloadOf('Pi is overheating (81 °C)');
    const before = Math.floor(Date.now() / 1000);
    expect(await sendPush(target, payload, options)).toEqual({ kind: 'delivered', status: 201 });
    const push = await service.waitFor((p) => p.endpoint === target.endpoint);
    expect(push.payload).toBe(payload);
    expect(push.headers).toEqual({ ttl: '3600', urgency: 'high', topic: 'temp-high' });
    expect(push.vapid.publicKey).toBe(vapid.publicKey);
    expect(push.vapid.claims.aud).toBe(service.origin);
    expect(push.vapid.claims.sub).toBe(SUBJECT);
    expect(push.vapid.claims.exp).toBeGreaterThan(before);
    expect(push.vapid.claims.exp).toBeLessThanOrEqual(before + 24 * 3600 + 5);
  });

  it('sends no Topic header without a topic, and the urgency asked for', async () => {
    const target = service.subscription();
    const { topic: _topic, ...noTopic } = options;
    const outcome = await sendPush(target, payloadOf('Backup failed'), {
      ...noTopic,
      urgency: 'low',
    });
    expect(outcome.kind).toBe('delivered');
    const push = await service.waitFor((p) => p.endpoint === target.endpoint);
    expect(push.headers).toEqual({ ttl: '3600', urgency: 'low', topic: null });
  });

  it.each<[number, SendOutcome['kind']]>([
    [410, 'gone'],
    [404, 'gone'],
    [400, 'rejected'],
    [401, 'rejected'],
    [403, 'rejected'],
    [413, 'rejected'],
    [301, 'rejected'],
    [429, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
  ])('maps an answer %i to %s', async (status, kind) => {
    service.respond(status, 1);
    const requestsBefore = service.requests;
    const outcome = await sendPush(service.subscription(), payloadOf('x'), options);
    expect(outcome).toMatchObject({ kind, status });
    expect(service.requests).toBe(requestsBefore + 1);
  });

  it('answers 404 for an endpoint the service does not know, which means gone', async () => {
    const unknown = { ...service.subscription(), endpoint: `${service.origin}/push/nobody` };
    expect(await sendPush(unknown, payloadOf('x'), options)).toEqual({ kind: 'gone', status: 404 });
  });

  it('gives up on a service that never answers after timeoutMs, as a retry', async () => {
    service.respond('hang', 1);
    const started = performance.now();
    const outcome = await sendPush(service.subscription(), payloadOf('x'), {
      ...options,
      timeoutMs: 500,
    });
    expect(outcome).toEqual({ kind: 'retry', status: null, reason: 'timeout' });
    // Not a timing assertion: only that the 500 ms limit was used, not the 5 s default.
    expect(performance.now() - started).toBeLessThan(4_000);
  });

  it('never delivers to a service whose certificate it does not trust', async () => {
    const { agent: _agent, ...untrusting } = options;
    const requestsBefore = service.requests;
    const outcome = await sendPush(service.subscription(), payloadOf('x'), untrusting);
    expect(outcome.kind).not.toBe('delivered');
    expect(outcome).toMatchObject({ reason: expect.stringMatching(/TLS certificate/) });
    expect(service.requests).toBe(requestsBefore);
  });

  it('refuses a payload over 3072 bytes without sending it', async () => {
    const requestsBefore = service.requests;
    const outcome = await sendPush(service.subscription(), 'x'.repeat(3073), options);
    expect(outcome).toMatchObject({ kind: 'rejected', status: 0 });
    expect(service.requests).toBe(requestsBefore);
  });

  it('refuses a subscription it cannot encrypt for, and a bad topic, without sending', async () => {
    const requestsBefore = service.requests;
    const target = service.subscription();
    const badKey = { ...target, keys: { ...target.keys, p256dh: 'AAAA' } };
    expect(await sendPush(badKey, payloadOf('x'), options)).toMatchObject({ kind: 'rejected' });
    const badTopic = { ...options, topic: 'not a topic!' };
    expect(await sendPush(target, payloadOf('x'), badTopic)).toMatchObject({ kind: 'rejected' });
    expect(service.requests).toBe(requestsBefore);
  });
});

describe('PushQueue with the real sender', () => {
  function queueWith(outcomes: { deviceId: string; outcome: SendOutcome }[]) {
    return new PushQueue({
      send: (target, payload, opts) =>
        sendPush(target, payload, { ...options, ...opts, timeoutMs: 1_000 }),
      wall: () => Date.now(),
      ready: async () => {},
      onOutcome: (deviceId, outcome) => outcomes.push({ deviceId, outcome }),
      backoffMs: [50],
    });
  }

  it('delivers after one backoff when the service first answers 500', async () => {
    const outcomes: { deviceId: string; outcome: SendOutcome }[] = [];
    const queue = queueWith(outcomes);
    const target = service.subscription();
    service.respond(500, 1);
    const requestsBefore = service.requests;
    queue.enqueue('phone', target, payloadOf('Backup failed'), { urgency: 'normal' });
    await queue.idle();
    expect(service.requests).toBe(requestsBefore + 2);
    // Still well before the tablet's 1 s timeout: the phone did not wait for it.
    await vi.waitFor(
      () =>
        expect(outcomes).toEqual([
          { deviceId: 'phone', outcome: { kind: 'delivered', status: 201 } },
        ]),
      { timeout: 500 },
    );
    expect((await service.waitFor((p) => p.endpoint === target.endpoint)).payload).toBe(
      payloadOf('Backup failed'),
    );
  });

  it('does not hold other devices back while one endpoint hangs', async () => {
    const outcomes: { deviceId: string; outcome: SendOutcome }[] = [];
    const queue = queueWith(outcomes);
    const tablet = service.subscription();
    const phone = service.subscription();
    service.respond('hang', 1);
    const requestsBefore = service.requests;
    queue.enqueue('tablet', tablet, payloadOf('to the tablet'), { urgency: 'normal' });
    await eventually("the tablet's request hanging at the service", () => service.requests, {
      until: (requests) => requests > requestsBefore,
    });
    queue.enqueue('phone', phone, payloadOf('to the phone'), { urgency: 'high' });
    const push = await service.waitFor((p) => p.endpoint === phone.endpoint, 900);
    expect(push.payload).toBe(payloadOf('to the phone'));
    // Still well before the tablet's 1 s timeout: the phone did not wait for it.
    await vi.waitFor(
      () =>
        expect(outcomes).toEqual([
          { deviceId: 'phone', outcome: { kind: 'delivered', status: 201 } },
        ]),
      { timeout: 500 },
    );
    await queue.idle(); // the tablet's timeout, one backoff, then its retry is delivered
    expect(outcomes.map((o) => [o.deviceId, o.outcome.kind])).toEqual([
      ['phone', 'delivered'],
      ['tablet', 'delivered'],
    ]);
  });
});
