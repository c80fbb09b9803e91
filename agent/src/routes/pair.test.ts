// POST /api/v1/pair through app.request: what a caller without a code costs, where nonces go, and
// the lockout after five failed calls with its alert.
import { createECDH } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import type { PushPayload } from '../../../shared/alerts.ts';
import { ROUTES } from '../../../shared/api.ts';
import type { PushSubscriptionResponse } from '../../../shared/push.ts';
import {
  type Agent,
  type Device,
  makeAgent,
  newDevice,
  pairBody,
  pairDevice,
  pairedDevice,
  signed,
} from '../app.fixtures.ts';

const answerOf = async (res: Response) => ({
  status: res.status,
  code: ((await res.json()) as { error?: { code: string } }).error?.code,
});

const auditKinds = (agent: Agent) => agent.deps.audit.list(200).entries.map((entry) => entry.kind);

/** A device that claims `device`'s key but signs with another: its signatures never verify. */
const impostorOf = (device: Device): Device => ({
  publicKey: device.publicKey,
  signBytes: newDevice().signBytes,
});

// Floods in these tests aim at the route itself, so the shared unsigned limit is lifted.
const NO_UNSIGNED_LIMIT = { security: { unsignedRatePerSecond: 1e6, unsignedBurst: 1e6 } };

describe('POST /api/v1/pair', () => {
  it('with no open code, answers pairing-failed before reading the body or verifying anything', async () => {
    const agent = makeAgent();
    const garbage = new Request(`http://pi.test${ROUTES.pair}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'signature-input': 'x', signature: 'y' },
      body: '{',
    });
    expect(await answerOf(await agent.app.request(garbage))).toEqual({
      status: 403,
      code: 'pairing-failed',
    });
    // A well-signed call for a code that is not open: the same answer, and nothing kept.
    const res = await pairDevice(agent, newDevice(), 'ZZZZ-ZZZZ');
    expect(await answerOf(res)).toEqual({ status: 403, code: 'pairing-failed' });
    expect(agent.deps.replay.size).toBe(0);
    expect(auditKinds(agent)).not.toContain('pairing-failed');
  });

  it('checks the proof before the signature: a wrong proof is refused unverified', async () => {
    const agent = makeAgent();
    agent.deps.pairing.mint();
    const device = newDevice();
    const body = await pairBody(agent, device, 'ZZZZ-ZZZZ');
    const forged = await signed(agent, impostorOf(device), 'POST', ROUTES.pair, body);
    // Had the signature been checked first, this would be signature-invalid.
    expect(await answerOf(await agent.app.request(forged))).toEqual({
      status: 403,
      code: 'pairing-failed',
    });
    expect(agent.deps.replay.size).toBe(0);
  });

  it('does not use up the code for a right proof with a bad signature, but counts it', async () => {
    const agent = makeAgent();
    const { code } = agent.deps.pairing.mint();
    const device = newDevice();
    const body = await pairBody(agent, device, code);
    const forged = await signed(agent, impostorOf(device), 'POST', ROUTES.pair, body);
    expect(await answerOf(await agent.app.request(forged))).toEqual({
      status: 401,
      code: 'signature-invalid',
    });
    expect(auditKinds(agent)).toEqual(['pairing-failed']);
    // The owner's own call with the same code still pairs.
    expect((await pairDevice(agent, device, code)).status).toBe(201);
  });

  it('keeps a pairing nonce in its own store, never in the devices’ replay cache', async () => {
    const agent = makeAgent();
    const phone = await pairedDevice(agent);
    expect(agent.deps.replay.size).toBe(0);
    expect((await agent.app.request(await signed(agent, phone, 'GET', ROUTES.status))).status).toBe(
      200,
    );
    expect(agent.deps.replay.size).toBe(1);
  });

  it('a flood of freshly keyed pair calls cannot fill the devices’ nonce cache', async () => {
    const agent = makeAgent({ maxNonces: 100, config: NO_UNSIGNED_LIMIT });
    const phone = await pairedDevice(agent);
    const flood = async (calls: number) => {
      const codes: (string | undefined)[] = [];
      for (let i = 0; i < calls; i++) {
        codes.push((await answerOf(await pairDevice(agent, newDevice(), 'ZZZZ-ZZZZ'))).code);
      }
      return new Set(codes);
    };
    expect(await flood(150)).toEqual(new Set(['pairing-failed']));
    // With a code open, five wrong proofs revoke it and the rest are refused unread.
    agent.deps.pairing.mint();
    expect(await flood(150)).toEqual(new Set(['pairing-failed']));
    expect(agent.deps.pairing.openCount).toBe(0);
    expect(agent.deps.replay.size).toBe(0);
    for (const path of [ROUTES.status, ROUTES.unlockKey]) {
      expect((await agent.app.request(await signed(agent, phone, 'GET', path))).status).toBe(200);
    }
  });
});

describe('the pairing lockout', () => {
  const SUBJECT = 'mailto:owner@example.org';

  async function subscribedPhone(agent: Agent) {
    const phone = await pairedDevice(agent);
    const browser = createECDH('prime256v1');
    browser.generateKeys();
    const key = await agent.app.request(
      await signed(agent, phone, 'GET', ROUTES.pushSubscriptions),
    );
    const { vapidPublicKey } = (await key.json()) as PushSubscriptionResponse;
    const res = await agent.app.request(
      await signed(agent, phone, 'POST', ROUTES.pushSubscriptions, {
        endpoint: 'https://fcm.googleapis.com/fcm/send/abc123',
        keys: {
          p256dh: browser.getPublicKey().toString('base64url'),
          auth: 'tBHItJI5svbpez7KI4CCXg',
        },
        vapidPublicKey,
        timeZone: 'Europe/Berlin',
        quietHours: null,
      }),
    );
    if (res.status !== 200) throw new Error(`subscribe answered ${res.status}`);
    return phone;
  }

  it('revokes every open code after five failed calls, raises pairing-locked once and audits it', async () => {
    const agent = makeAgent({ config: { push: { subject: SUBJECT }, ...NO_UNSIGNED_LIMIT } });
    const phone = await subscribedPhone(agent);
    const sentBefore = agent.push.sent.length;
    agent.deps.pairing.mint();
    agent.deps.pairing.mint();
    for (let i = 0; i < 25; i++) await pairDevice(agent, newDevice(), 'ZZZZ-ZZZZ');
    expect(agent.deps.pairing.openCount).toBe(0);
    // A test push asked for now goes out behind every push the calls above queued for this phone
    // (a device's pushes go in order): once it is sent, a second pairing-locked would be too.
    const test = await agent.app.request(await signed(agent, phone, 'POST', ROUTES.pushTest));
    expect(test.status).toBe(202);
    const tagOf = (p: (typeof agent.push.sent)[number]) =>
      (JSON.parse(p.payload) as PushPayload).notification.tag;
    const testAt = await vi.waitFor(() => {
      const at = agent.push.sent.findIndex((p, i) => i >= sentBefore && tagOf(p) === 'test');
      if (at < 0) throw new Error('the test push has not gone out');
      return at;
    });

    const locked = agent.alerts.history().filter((alert) => alert.kind === 'pairing-locked');
    expect(locked).toHaveLength(1);
    expect(locked[0]).toMatchObject({ critical: true, state: 'event', navigate: '/devices' });
    expect(locked[0]?.body).toMatch(/make a new code in Devices/);
    const pushed = agent.push.sent.slice(sentBefore, testAt).map(tagOf);
    expect(pushed).toEqual(['pairing-locked']);
    const kinds = auditKinds(agent).filter((kind) => kind.startsWith('pairing-'));
    // Newest first: the fifth failure locked, then it was audited as a failure too.
    expect(kinds).toEqual([
      'pairing-failed',
      'pairing-locked',
      'pairing-failed',
      'pairing-failed',
      'pairing-failed',
      'pairing-failed',
    ]);
  });
});
