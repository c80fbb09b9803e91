// POST /unlock/check on the sandbox Pi (issue 12): the real agent and helper ask the real
// cryptsetup whether the passphrase opens the LUKS2 image, locked or unlocked, and a wrong one
// counts against the same five tries as an unlock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSPHRASE, type SandboxPi } from '../../sandbox-pi/index.ts';
import { ROUTES } from '../../shared/api.ts';
import { type PairedDevice, pairedAgent, stopAllAgents } from '../fixtures/agent-process.ts';
import {
  pollOperation,
  postUnlock,
  postUnlockCheck,
  readStatus,
  requestJson,
} from '../fixtures/unlock-client.ts';

let pi: SandboxPi;
let phone: PairedDevice;

beforeAll(async () => {
  ({ pi, phone } = await pairedAgent());
  expect(pi.cryptsetupAvailable).toBe(true);
}, 60_000);

afterAll(async () => {
  await stopAllAgents();
  await pi?.remove();
});

/** The cryptsetup calls the sandbox logged since `from`. */
async function cryptsetupCalls(from: number): Promise<string[][]> {
  return (await pi.readCommandLog()).slice(from).filter(([program]) => program === 'cryptsetup');
}

describe('POST /api/v1/unlock/check on the sandbox Pi', () => {
  it('checks against the real LUKS2 header, opening nothing, and counts a wrong one', async () => {
    const before = (await pi.readCommandLog()).length;
    const wrong = await postUnlockCheck(phone, `not ${DEMO_PASSPHRASE}`);
    expect(wrong).toEqual({ status: 200, body: { matches: false, triesLeft: 4 } });
    expect((await readStatus(phone)).unlock.triesLeft).toBe(4);

    const right = await postUnlockCheck(phone, DEMO_PASSPHRASE);
    expect(right).toEqual({ status: 200, body: { matches: true, triesLeft: 5 } });
    const { drive, unlock } = await readStatus(phone);
    expect(drive.state).toBe('locked');
    expect(unlock.triesLeft).toBe(5);
    // Only `open --test-passphrase`: no mapping was made, nothing mounted.
    const calls = await cryptsetupCalls(before);
    expect(calls.filter((argv) => argv[1] === 'open')).toHaveLength(2);
    expect(calls.every((argv) => argv[1] !== 'open' || argv.includes('--test-passphrase'))).toBe(
      true,
    );

    const audit = await requestJson<{ entries: { kind: string; detail: string }[] }>(
      phone,
      'GET',
      ROUTES.audit,
    );
    expect(
      audit.body.entries.filter((e) => e.kind === 'unlock-checked').map((e) => e.detail),
    ).toEqual([
      'The unlock passphrase was checked: it is right.',
      'An unlock passphrase was checked: it is wrong (4 tries left before a wait).',
    ]);
  });

  it('works while the drive is unlocked, and leaves Immich running', async () => {
    const started = await postUnlock(phone, DEMO_PASSPHRASE);
    expect((await pollOperation(phone, started.body.operationId)).state).toBe('succeeded');
    expect((await postUnlockCheck(phone, DEMO_PASSPHRASE)).body).toEqual({
      matches: true,
      triesLeft: 5,
    });
    expect((await readStatus(phone)).drive.state).toBe('running');
  });

  it('after five wrong checks refuses with 429, even the right one', async () => {
    for (const triesLeft of [4, 3, 2, 1, 0]) {
      expect((await postUnlockCheck(phone, 'wrong')).body).toEqual({ matches: false, triesLeft });
    }
    const refused = await postUnlockCheck(phone, DEMO_PASSPHRASE);
    expect([refused.status, refused.body.error?.code]).toEqual([429, 'unlock-rate-limited']);
    expect((await readStatus(phone)).unlock.triesLeft).toBe(0);
  });
});
