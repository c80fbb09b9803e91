// POST /unlock/check through app.request on a FakePi: right and wrong passphrases, the shared
// wrong-passphrase budget, the drive left as it was, and the refusals the helper answers.
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../../shared/api.ts';
import { utf8Encode } from '../../../shared/protocol/index.ts';
import { RIGHT_PASSPHRASE, sealFor } from '../app.fixtures.ts';
import { call, postUnlock, setup, status, unlocked, unlockKey } from './unlock.fixtures.ts';

type Setup = Awaited<ReturnType<typeof setup>>;

async function check({ agent, phone }: Setup, passphrase: string) {
  const sealed = sealFor(await unlockKey(agent, phone), utf8Encode(passphrase));
  return call(agent, phone, 'POST', ROUTES.unlockCheck, sealed);
}

describe('POST /api/v1/unlock/check', () => {
  it('says a right passphrase matches, opening nothing, and zeroes the agent’s copy', async () => {
    const s = await setup();
    const answer = await check(s, RIGHT_PASSPHRASE);
    expect(answer).toMatchObject({ status: 200, body: { matches: true, triesLeft: 5 } });
    expect(s.agent.pi.requests).toEqual(['check']);
    expect(s.agent.pi.passphrases).toEqual([RIGHT_PASSPHRASE]);
    expect(s.agent.pi.buffers[0]?.every((b) => b === 0)).toBe(true);
    expect(s.agent.pi.mapperOpen).toBe(false);
    expect((await status(s.agent, s.phone)).drive.state).toBe('locked');
  });

  it('counts a wrong one against the same tries as an unlock, and tells the alerts', async () => {
    const s = await setup();
    expect((await check(s, 'not it')).body).toEqual({ matches: false, triesLeft: 4 });
    expect((await status(s.agent, s.phone)).unlock.triesLeft).toBe(4);
    expect(s.agent.events).toContainEqual(
      expect.objectContaining({ type: 'unlock-failed', operationId: null, triesLeft: 4 }),
    );
    const audit = await call(s.agent, s.phone, 'GET', ROUTES.audit);
    expect(audit.body.entries).toContainEqual(
      expect.objectContaining({
        kind: 'unlock-checked',
        deviceId: expect.any(String),
        detail: 'An unlock passphrase was checked: it is wrong (4 tries left before a wait).',
      }),
    );
    // The unlock after it sees the same budget.
    await postUnlock(s.agent, s.phone, 'still not it');
    await s.agent.deps.driveControl.idle();
    expect((await check(s, 'nor this')).body).toEqual({ matches: false, triesLeft: 2 });
  });

  it('refuses once the tries are used up, before asking the helper', async () => {
    const s = await setup();
    for (let i = 0; i < 5; i++) await check(s, `wrong ${i}`);
    const before = s.agent.pi.requests.length;
    const refused = await check(s, RIGHT_PASSPHRASE);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('unlock-rate-limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(s.agent.pi.requests.length).toBe(before);
    // Even refused, the bytes were zeroed.
    expect(s.agent.pi.buffers.every((buffer) => buffer.every((b) => b === 0))).toBe(true);
  });

  it('works while the drive is open, and leaves it running', async () => {
    const s = await setup();
    await unlocked(s.agent, s.phone);
    expect((await check(s, RIGHT_PASSPHRASE)).body).toEqual({ matches: true, triesLeft: 5 });
    expect((await status(s.agent, s.phone)).drive.state).toBe('running');
  });

  it.each([
    [{ ok: false, code: 'kdf-busy', message: 'm' }, 409, 'kdf-busy'],
    [{ ok: false, code: 'insufficient-memory', message: 'm' }, 503, 'insufficient-memory'],
    [{ ok: false, code: 'drive-missing', message: 'm' }, 409, 'drive-missing'],
    [{ ok: false, code: 'command-failed', message: 'm' }, 503, 'helper-unavailable'],
    [
      { ok: false, code: 'unlock-rate-limited', message: 'm', retryAfterSeconds: 60 },
      429,
      'unlock-rate-limited',
    ],
  ] as const)('answers the helper’s %o as %d %s', async (answer, code, name) => {
    const s = await setup();
    s.agent.pi.answers.set('check', answer);
    const refused = await check(s, RIGHT_PASSPHRASE);
    expect(refused.status).toBe(code);
    expect(refused.body.error.code).toBe(name);
    expect(JSON.stringify(refused.body)).not.toContain(RIGHT_PASSPHRASE);
  });

  it('refuses bad bodies with the unlock’s codes', async () => {
    const { agent, phone } = await setup();
    const bad = await call(agent, phone, 'POST', ROUTES.unlockCheck, { box: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation-failed');
    expect(agent.pi.requests).toEqual([]);
  });
});
