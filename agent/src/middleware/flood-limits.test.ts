// The global limits through app.request: unsigned floods, forged floods that cannot starve a paired
// phone, Retry-After on every 429, and one bad-signatures alert per burst.
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../../shared/api.ts';
import {
  type Agent,
  type Device,
  makeAgent,
  newDevice,
  pairedDevice,
  signed,
} from '../app.fixtures.ts';

const answerOf = async (res: Response) => ({
  status: res.status,
  code: ((await res.json()) as { error?: { code: string } }).error?.code,
  retryAfter: res.headers.get('retry-after'),
});

const forged = (agent: Agent) => signed(agent, newDevice(), 'GET', ROUTES.status);
const as = (agent: Agent, device: Device, path: string = ROUTES.status) =>
  signed(agent, device, 'GET', path);
/** A device that claims `device`'s key but signs with another: its signatures never verify. */
const impostorOf = (device: Device): Device => ({
  publicKey: device.publicKey,
  signBytes: newDevice().signBytes,
});

describe('the unsigned limit', () => {
  it('shares one bucket between hello and pair, and says when to come back', async () => {
    const agent = makeAgent({
      config: { security: { unsignedRatePerSecond: 0.5, unsignedBurst: 3 } },
    });
    for (let i = 0; i < 3; i++) expect((await agent.app.request(ROUTES.hello)).status).toBe(200);
    expect(await answerOf(await agent.app.request(ROUTES.hello))).toEqual({
      status: 429,
      code: 'flood-limited',
      retryAfter: '2',
    });
    const pair = new Request(`http://pi.test${ROUTES.pair}`, { method: 'POST', body: '{}' });
    expect((await answerOf(await agent.app.request(pair))).code).toBe('flood-limited');
    agent.clock.monoMs += 2_000;
    expect((await agent.app.request(ROUTES.hello)).status).toBe(200);
  });
});

describe('the failed-signature limit', () => {
  const LIMITED = { security: { failedRatePerSecond: 0.25, failedBurst: 5 } };

  it('refuses strangers before verifying once failures used up the bucket; paired phones still verify', async () => {
    const agent = makeAgent({ config: LIMITED });
    const phone = await pairedDevice(agent);
    for (let i = 0; i < 5; i++) {
      expect((await answerOf(await agent.app.request(await forged(agent)))).code).toBe(
        'unknown-key',
      );
    }
    const refused = { status: 429, code: 'flood-limited', retryAfter: '4' };
    expect(await answerOf(await agent.app.request(await forged(agent)))).toEqual(refused);
    expect(await answerOf(await agent.app.request(ROUTES.status))).toEqual(refused);
    // The owner's phone is served, and a forgery in its name is still verified (and refused).
    expect((await agent.app.request(await as(agent, phone))).status).toBe(200);
    expect((await answerOf(await agent.app.request(await as(agent, impostorOf(phone))))).code).toBe(
      'signature-invalid',
    );
    expect((await agent.app.request(await as(agent, phone, ROUTES.unlockKey))).status).toBe(200);
    agent.clock.monoMs += 4_000;
    expect((await answerOf(await agent.app.request(await forged(agent)))).code).toBe('unknown-key');
  });

  it('charges nothing for verified requests, and gives the device’s own 429 its Retry-After', async () => {
    const agent = makeAgent({ config: LIMITED });
    const phone = await pairedDevice(agent);
    // makeAgent lets a device make 100 requests at once, then 100 a second.
    const statuses = new Set<number>();
    for (let i = 0; i < 110; i++)
      statuses.add((await agent.app.request(await as(agent, phone))).status);
    expect(statuses).toEqual(new Set([200, 429]));
    expect(await answerOf(await agent.app.request(await as(agent, phone)))).toEqual({
      status: 429,
      code: 'rate-limited',
      retryAfter: '1',
    });
    // None of those 111 (100 served, 11 over the device's rate) used the failure bucket of 5.
    expect((await answerOf(await agent.app.request(await forged(agent)))).code).toBe('unknown-key');
  });
});

describe('the bad-signatures alert', () => {
  it('is raised and audited once for a flood of forged requests', async () => {
    const agent = makeAgent();
    const phone = await pairedDevice(agent);
    const codes = new Set<string | undefined>();
    for (let i = 0; i < 400; i++)
      codes.add((await answerOf(await agent.app.request(await forged(agent)))).code);
    expect(codes).toEqual(new Set(['unknown-key', 'flood-limited']));
    const raised = agent.alerts.history().filter((alert) => alert.kind === 'bad-signatures');
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ critical: false, state: 'event', navigate: '/activity' });
    expect(raised[0]?.body).toMatch(
      /^The Pi refused more than 30 requests .* Nothing was changed\./,
    );
    const audited = agent.deps.audit.list(200).entries.filter((e) => e.kind === 'bad-signatures');
    expect(audited).toHaveLength(1);
    // The phone was never refused.
    expect((await agent.app.request(await as(agent, phone))).status).toBe(200);
  });

  it('is not raised by a paired phone’s own mishaps', async () => {
    const agent = makeAgent();
    const phone = await pairedDevice(agent);
    const stale = async () => {
      agent.clock.wallMs -= 600_000; // signed ten minutes ago by the agent's clock
      const request = await as(agent, phone);
      agent.clock.wallMs += 600_000;
      return request;
    };
    for (let i = 0; i < 100; i++) {
      expect((await answerOf(await agent.app.request(await stale()))).code).toBe('clock-skew');
    }
    expect(agent.alerts.history().map((alert) => alert.kind)).not.toContain('bad-signatures');
  });
});
