// Wrong passphrases outlive an agent restart (issue 10): the helper keeps the count, and the
// restarted agent reads it, so status never promises tries the helper would refuse.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSPHRASE, type SandboxPi } from '../../sandbox-pi/index.ts';
import {
  type AgentProcess,
  type PairedDevice,
  pairedAgent,
  startAgent,
  stopAllAgents,
} from '../fixtures/agent-process.ts';
import { pollOperation, postUnlock, readStatus } from '../fixtures/unlock-client.ts';

let pi: SandboxPi;
let agent: AgentProcess;
let phone: PairedDevice;

beforeAll(async () => {
  ({ pi, agent, phone } = await pairedAgent());
  expect(pi.cryptsetupAvailable).toBe(true);
}, 60_000);

afterAll(async () => {
  await stopAllAgents();
  await pi?.remove();
});

/** wrongUnlock tries a wrong passphrase through the agent and answers the operation's error. */
async function wrongUnlock() {
  const started = await postUnlock(phone, `not ${DEMO_PASSPHRASE}`);
  expect(started.status).toBe(202);
  return (await pollOperation(phone, started.body.operationId)).error;
}

async function restartAgent() {
  await agent.stop();
  agent = await startAgent(pi);
  await phone.reconnect(agent.url);
}

describe('wrong passphrases across an agent restart', () => {
  it('says the tries the helper still allows, not a fresh five', async () => {
    expect((await wrongUnlock())?.triesLeft).toBe(4);
    expect((await wrongUnlock())?.triesLeft).toBe(3);
    await restartAgent();
    expect((await readStatus(phone)).unlock).toEqual({ triesLeft: 3, retryAfterSeconds: null });
    expect((await wrongUnlock())?.triesLeft).toBe(2);
  });

  it('after the fifth, a restarted agent says how long to wait and refuses before the helper', async () => {
    await wrongUnlock();
    expect(await wrongUnlock()).toMatchObject({ code: 'wrong-passphrase', triesLeft: 0 });
    await restartAgent();
    const { unlock } = await readStatus(phone);
    expect(unlock.triesLeft).toBe(0);
    // The oldest of the five leaves the 15-minute window first: a wait just under 15 minutes.
    expect(unlock.retryAfterSeconds).toBeGreaterThan(800);
    expect(unlock.retryAfterSeconds).toBeLessThanOrEqual(900);
    const refused = await postUnlock(phone, DEMO_PASSPHRASE);
    expect([refused.status, refused.body.error?.code]).toEqual([429, 'unlock-rate-limited']);
    expect((await readStatus(phone)).drive.state).toBe('locked');
  });
});
