import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/alerts.ts';
import { toBase64url } from '../../../shared/protocol/index.ts';
import { ApiError } from './errors.ts';
import { pushCalls } from './push.ts';
import type { Signed } from './signed.ts';

const bytes = (n: number, fill = 4) => toBase64url(new Uint8Array(n).fill(fill));
const VAPID = bytes(65);
const ALERT: Alert = {
  id: 'temp-high',
  kind: 'temp-high',
  critical: true,
  state: 'active',
  title: 'Pi is overheating (81 °C)',
  body: 'Check its fan.',
  navigate: '/alerts',
  raisedAt: 1,
  resolvedAt: null,
  snoozedUntil: null,
};

/** A stand-in for api.ts's signed request: records each call and answers through the schema. */
function fakeSigned(answers: Record<string, unknown | Error>) {
  const calls: { method: string; path: string; body?: unknown }[] = [];
  const signed: Signed = async (method, path, schema, _query, body) => {
    calls.push({ method, path, body });
    const answer = answers[`${method} ${path}`];
    if (answer instanceof Error) throw answer;
    return v.parse(schema, answer);
  };
  return { calls, api: pushCalls({ signed }) };
}

const subscription = {
  endpoint: 'https://fcm.googleapis.com/fcm/send/abc',
  keys: { p256dh: bytes(65), auth: bytes(16) },
  vapidPublicKey: VAPID,
  timeZone: 'Europe/Berlin',
  quietHours: { start: '22:00', end: '07:00' },
};

describe('push calls', () => {
  it('sends a subscription and reads back what the agent keeps', async () => {
    const { calls, api } = fakeSigned({
      'POST /api/v1/push/subscriptions': { vapidPublicKey: VAPID, subscription: null },
    });
    const answer = await api.savePushSubscription(subscription);
    expect(answer.vapidPublicKey).toBe(VAPID);
    expect(calls).toEqual([
      { method: 'POST', path: '/api/v1/push/subscriptions', body: subscription },
    ]);
  });

  it('refuses a subscription with a key of the wrong length before sending it', async () => {
    const { calls, api } = fakeSigned({});
    const bad = { ...subscription, keys: { p256dh: bytes(64), auth: bytes(16) } };
    await expect(api.savePushSubscription(bad)).rejects.toMatchObject({
      code: 'validation-failed',
    });
    expect(calls).toEqual([]);
  });

  it('turns notifications off even when the agent had none, but reports other failures', async () => {
    const gone = new ApiError('push-not-subscribed', 404, 'none');
    const { api } = fakeSigned({ 'DELETE /api/v1/push/subscriptions': gone });
    await expect(api.deletePushSubscription()).resolves.toBeUndefined();
    const down = new ApiError('internal', 500, 'bug');
    const other = fakeSigned({ 'DELETE /api/v1/push/subscriptions': down });
    await expect(other.api.deletePushSubscription()).rejects.toBe(down);
  });

  it('snoozes an alert for whole minutes and answers the alert', async () => {
    const snoozed = { ...ALERT, snoozedUntil: 99 };
    const { calls, api } = fakeSigned({
      'POST /api/v1/alerts/service-down%3Aimmich/snooze': { alert: snoozed },
    });
    expect(await api.snoozeAlert('service-down:immich', 60)).toEqual(snoozed);
    expect(calls[0]?.body).toEqual({ minutes: 60 });
    await expect(api.snoozeAlert('x', 1.5)).rejects.toBeInstanceOf(ApiError);
  });

  it('reads alerts, the test push and the temperature history through their schemas', async () => {
    const { api } = fakeSigned({
      'GET /api/v1/alerts': { active: [ALERT], history: [] },
      'POST /api/v1/push/test': { queued: true },
      'GET /api/v1/history/temperature': {
        bucketSeconds: 300,
        points: [{ at: 1, minC: 50, maxC: 52, meanC: 51 }],
      },
    });
    expect((await api.alerts()).active[0]?.title).toBe(ALERT.title);
    expect(await api.sendTestPush()).toEqual({ queued: true });
    expect((await api.temperatureHistory()).points).toHaveLength(1);
  });
});
