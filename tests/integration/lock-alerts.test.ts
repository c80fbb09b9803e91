// Locking is not a lost drive: the real agent on a sandbox Pi samples slowly, so the lock falls
// between two samples (as it does on a Pi, where a lock is shorter than the 10 s interval), and
// raises no "Photo drive disconnected"; a drive pulled while unlocked still raises it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeLoopbackPort } from '../../sandbox-pi/immich-stub.ts';
import { DEMO_PASSPHRASE, type SandboxPi } from '../../sandbox-pi/index.ts';
import type { Alert, AlertsResponse } from '../../shared/alerts.ts';
import { ROUTES } from '../../shared/api.ts';
import {
  type AgentProcess,
  type PairedDevice,
  pairedAgent,
  startAgent,
  stopAllAgents,
} from '../fixtures/agent-process.ts';
import { type SampleMarks, sampleMarks } from '../fixtures/samples.ts';
import {
  pollOperation,
  postLock,
  postUnlock,
  readStatus,
  requestJson,
} from '../fixtures/unlock-client.ts';

/** Long next to a sandbox lock (well under a second), so none need fall inside one. */
const SAMPLE_SECONDS = 5;

let pi: SandboxPi;
let agent: AgentProcess;
let phone: PairedDevice;
// How the test sees the samples: each one reads a temperature no sample read before.
let samples: SampleMarks;

beforeAll(async () => {
  ({ pi, agent, phone } = await pairedAgent({
    port: await freeLoopbackPort(), // the same after a restart: the phone keeps its URL
    sampleIntervalSeconds: SAMPLE_SECONDS,
  }));
  expect(pi.cryptsetupAvailable).toBe(true);
  samples = sampleMarks(pi, phone, { timeoutMs: SAMPLE_SECONDS * 3 * 1000 });
}, 60_000);

afterAll(async () => {
  await stopAllAgents();
  await pi?.remove();
});

/** driveGone answers the drive-gone alerts active and in the history. */
async function driveGone(): Promise<{ active: Alert[]; history: Alert[] }> {
  const { status, body } = await requestJson<AlertsResponse>(phone, 'GET', ROUTES.alerts);
  expect(status).toBe(200);
  const gone = (alerts: Alert[]) => alerts.filter((alert) => alert.kind === 'drive-gone');
  return { active: gone(body.active), history: gone(body.history) };
}

async function unlock(): Promise<void> {
  const started = await postUnlock(phone, DEMO_PASSPHRASE);
  expect(started.status).toBe(202);
  const done = await pollOperation(phone, started.body.operationId, { everyMs: 50 });
  expect(done.state).toBe('succeeded');
}

describe('drive-gone around a lock, on the real agent', () => {
  it('raises nothing for a lock that no sample saw running', async () => {
    await unlock();
    await samples.next(); // the drive seen running: drive-gone is armed
    await samples.next(); // a fresh interval starts: the lock fits in it
    const duringLock = await samples.mark();
    const started = await postLock(phone);
    expect(started.status).toBe(202);
    const done = await pollOperation(phone, started.body.operationId, { everyMs: 20 });
    expect(done.state).toBe('succeeded');
    // What makes this the case of the bug: no sample read the drive while it was locking.
    expect(await samples.sampledMax()).toBeLessThan(duringLock);
    await samples.next();
    expect((await readStatus(phone)).drive.state).toBe('locked');
    expect(await driveGone()).toEqual({ active: [], history: [] });
  }, 60_000);

  it('raises nothing when the agent restarts with the drive locked', async () => {
    await agent.stop();
    agent = await startAgent(pi);
    await phone.reconnect(agent.url);
    await samples.next();
    await samples.next();
    expect(await driveGone()).toEqual({ active: [], history: [] });
  }, 60_000);

  it('still raises drive-gone when the drive is pulled while unlocked', async () => {
    await unlock();
    await samples.next();
    await pi.unplugDrive();
    await samples.next();
    const { active } = await driveGone();
    expect(active).toMatchObject([
      { id: 'drive-gone', critical: true, title: 'Photo drive disconnected' },
    ]);
  }, 60_000);
});
