// One unlock at a time (ARCHITECTURE §7): 20 unlock requests at once join one operation that runs
// cryptsetup once; unlock while locking, and lock while unlocking, are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSPHRASE, type SandboxPi } from '../../sandbox-pi/index.ts';
import { ROUTES } from '../../shared/api.ts';
import type { OperationStarted } from '../../shared/unlock.ts';
import { type PairedDevice, pairedAgent, stopAllAgents } from '../fixtures/agent-process.ts';
import {
  pollOperation,
  postLock,
  readStatus,
  requestJson,
  sealedUnlockBody,
} from '../fixtures/unlock-client.ts';

const CONCURRENT = 20;

let pi: SandboxPi;
let phone: PairedDevice;

beforeAll(async () => {
  // 20 unlocks, each with its key fetch, and the polls, are more than the default rate allows.
  ({ pi, phone } = await pairedAgent({ security: { ratePerSecond: 1000, rateBurst: 1000 } }));
  expect(pi.cryptsetupAvailable).toBe(true);
});

afterAll(async () => {
  await stopAllAgents();
  await pi?.remove();
});

const cryptsetupCalls = async (verb: string) =>
  (await pi.readCommandLog()).filter(([program, v]) => program === 'cryptsetup' && v === verb);

describe('concurrent unlock requests', () => {
  it('join one operation: 20 × 202, one id, one cryptsetup open, running at the end', async () => {
    // The KDF takes a second longer, so every request lands while the first one runs.
    await pi.slowCryptsetup(1);
    // Sealed and signed ahead, each with its own box and nonce, then sent at once.
    const bodies = await Promise.all(
      Array.from({ length: CONCURRENT }, () => sealedUnlockBody(phone, DEMO_PASSPHRASE)),
    );
    const signed = await Promise.all(bodies.map((body) => phone.sign('POST', ROUTES.unlock, body)));
    const answers = await Promise.all(
      signed.map(async ({ headers, body }) => {
        const res = await fetch(new URL(ROUTES.unlock, phone.baseUrl), {
          method: 'POST',
          headers,
          body,
        });
        return { status: res.status, body: (await res.json()) as OperationStarted };
      }),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(CONCURRENT).fill(202));
    const ids = new Set(answers.map((a) => a.body.operationId));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => !a.body.joined)).toHaveLength(1);
    const [id] = [...ids] as [string];

    // Lock while it unlocks: refused, nothing started.
    const lock = await postLock(phone);
    expect([lock.status, lock.body.error?.code]).toEqual([409, 'operation-in-progress']);

    const op = await pollOperation(phone, id, { everyMs: 50 });
    await pi.slowCryptsetup(null);
    expect([op.state, op.error]).toEqual(['succeeded', null]);
    expect(op.steps.every((step) => step.state === 'done')).toBe(true);
    expect(await cryptsetupCalls('open')).toHaveLength(1);
    expect(await cryptsetupCalls('luksDump')).toHaveLength(1);
    expect((await readStatus(phone)).drive.state).toBe('running');
  });

  it('refuses an unlock while a lock runs, with operation-in-progress', async () => {
    // Sealed and signed before the lock starts, so it reaches the agent within milliseconds.
    const body = await sealedUnlockBody(phone, DEMO_PASSPHRASE);
    const lock = await postLock(phone);
    expect(lock.status).toBe(202);
    const unlock = await requestJson(phone, 'POST', ROUTES.unlock, body);
    expect([unlock.status, unlock.body.error?.code]).toEqual([409, 'operation-in-progress']);
    const op = await pollOperation(phone, lock.body.operationId, { everyMs: 50 });
    expect([op.state, op.error]).toEqual(['succeeded', null]);
    // The lock was not disturbed, and the refused unlock ran nothing.
    expect((await readStatus(phone)).drive.state).toBe('locked');
    expect(await cryptsetupCalls('open')).toHaveLength(1);
  });
});
