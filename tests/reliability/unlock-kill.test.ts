// kill -9 of the real agent during each unlock step (issue 3): after the restart the agent reports
// what the sandbox really shows (mapper, mount, unit files), never a state it cannot leave, and a
// new unlock and a lock from there complete.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSPHRASE, type SandboxPi } from '../../sandbox-pi/index.ts';
import type { StatusResponse } from '../../shared/status.ts';
import type { Operation } from '../../shared/unlock.ts';
import {
  type AgentProcess,
  type PairedDevice,
  pairedAgent,
  startAgent,
  stopAllAgents,
} from '../fixtures/agent-process.ts';
import { eventually } from '../fixtures/eventually.ts';
import {
  pollOperation,
  postLock,
  postUnlock,
  readOperation,
  readStatus,
} from '../fixtures/unlock-client.ts';
import { descendantsOf, waitUntilGone } from './processes.ts';

const UNITS = ['postgresql.service', 'immich-server.service', 'immich-machine-learning.service'];
const MOUNT_UNIT = 'mnt-immich_drive.mount';
/** How long the step being killed is made to take: the window for the kill. */
const SLOW_SECONDS = 1.5;
/** What a freshly started agent may report: it has no operation, so neither -ing nor failed. */
const AFTER_RESTART = ['locked', 'degraded', 'running'];

let pi: SandboxPi;
let agent: AgentProcess;
let phone: PairedDevice;

beforeAll(async () => {
  // Polling every 20 ms is more than the default per-device rate allows.
  ({ pi, agent, phone } = await pairedAgent({
    security: { ratePerSecond: 1000, rateBurst: 1000 },
  }));
  expect(pi.cryptsetupAvailable).toBe(true);
});

afterAll(async () => {
  await stopAllAgents();
  await pi?.remove();
});

/** Truth is the sandbox as the system shows it: what the agent's report must match. */
interface Truth {
  mapperOpen: boolean;
  mounted: boolean;
  units: Record<string, string>;
}

async function readTruth(): Promise<Truth> {
  const unitState = async (unit: string) =>
    (await readFile(join(pi.dir, 'units', `${unit}.state`), 'utf8').catch(() => '')).trim() ||
    'inactive';
  const states = await Promise.all(UNITS.map(unitState));
  return {
    mapperOpen: existsSync(join(pi.root, 'dev/mapper/immich_drive')),
    mounted: (await readFile(pi.paths.procMountinfo, 'utf8')).includes(' /mnt/immich_drive '),
    units: Object.fromEntries(UNITS.map((unit, i) => [unit, states[i] ?? 'inactive'])),
  };
}

/** expectedState derives the drive state from the truth, independently of the agent's code. */
function expectedState(truth: Truth): string {
  const states = Object.values(truth.units);
  const up = states.some((s) => ['active', 'activating', 'deactivating'].includes(s));
  if (!truth.mapperOpen && !up) return 'locked';
  if (truth.mapperOpen && truth.mounted && states.every((s) => s === 'active')) return 'running';
  return 'degraded';
}

const reported = (status: StatusResponse) => ({
  state: status.drive.state,
  units: Object.fromEntries(status.units.map((u) => [u.unit, u.state])),
});
const expected = (truth: Truth) => ({ state: expectedState(truth), units: truth.units });

async function waitFor<T>(what: string, look: () => Promise<T | null>, timeoutMs = 10_000) {
  const found = await eventually(what, look, { timeoutMs, everyMs: 20 });
  return found as T;
}

/** stubCalls counts the stub calls so far whose argv starts with these words. */
async function stubCalls(...words: string[]): Promise<number> {
  const argvs = await pi.readCommandLog();
  return argvs.filter((argv) => words.every((word, i) => argv[i] === word)).length;
}

const stepIs = (op: Operation, id: string, state: string) =>
  op.steps.find((s) => s.id === id)?.state === state;

interface KillCase {
  step: string;
  /** Makes the step take `seconds` (the window for the kill), or as long as usual with null. */
  slow(seconds: number | null): Promise<void>;
  /** The stub call that shows the helper really began the step (null: the agent's own step). */
  stubCall: string[] | null;
}

const unitCase = (unit: string, step = `start:${unit}`): KillCase => ({
  step,
  slow: (seconds) => pi.slowUnit(unit, seconds),
  stubCall: ['systemctl', 'start', unit],
});

const CASES: KillCase[] = [
  {
    step: 'open',
    slow: (seconds) => pi.slowCryptsetup(seconds),
    stubCall: ['cryptsetup', 'open'],
  },
  unitCase(MOUNT_UNIT, 'mount'),
  ...UNITS.map((unit) => unitCase(unit)),
  {
    // Immich answers nothing: the stub Immich is stopped while machine learning (slowed) starts.
    step: 'ping',
    slow: (seconds) => pi.slowUnit(UNITS[2] ?? '', seconds),
    stubCall: null,
  },
];

/** runToEnd starts an unlock or a lock and answers the operation once it ended. */
async function runToEnd(kind: 'unlock' | 'lock'): Promise<Operation> {
  const started =
    kind === 'unlock' ? await postUnlock(phone, DEMO_PASSPHRASE) : await postLock(phone);
  expect(started.status).toBe(202);
  return pollOperation(phone, started.body.operationId, { everyMs: 50 });
}

/** killDuring starts an unlock and SIGKILLs the agent once `kill.step` is running inside. */
async function killDuring(kill: KillCase): Promise<void> {
  const { stubCall } = kill;
  await kill.slow(SLOW_SECONDS);
  const callsBefore = stubCall ? await stubCalls(...stubCall) : 0;
  const started = await postUnlock(phone, DEMO_PASSPHRASE);
  expect(started.status).toBe(202);
  const id = started.body.operationId;
  if (kill.step === 'ping') {
    await pollOperation(phone, id, { until: (op) => stepIs(op, `start:${UNITS[2]}`, 'running') });
    await pi.stopImmichStub();
  }
  const op = await pollOperation(phone, id, {
    until: (op) => op.state !== 'running' || stepIs(op, kill.step, 'running'),
  });
  expect(stepIs(op, kill.step, 'running')).toBe(true);
  if (stubCall) {
    // The helper's command has begun: the kill lands inside the step, not before it.
    await waitFor('the stub call', async () =>
      (await stubCalls(...stubCall)) > callsBefore ? true : null,
    );
  }
  expect(stepIs(await readOperation(phone, id), kill.step, 'running')).toBe(true);
  await agent.stop('SIGKILL');
}

/**
 * firstLook restarts the agent and reads its status at once, while whatever the killed agent's
 * helper left running may still change the sandbox. The state must be one the agent can leave;
 * when the sandbox held still around the read, it must be the truth. Answers whether it did.
 */
async function firstLook(): Promise<string> {
  agent = await startAgent(pi);
  await phone.reconnect(agent.url);
  const before = await readTruth();
  const first = await readStatus(phone);
  const after = await readTruth();
  expect(AFTER_RESTART).toContain(first.drive.state);
  expect(first.operation).toBeNull();
  if (JSON.stringify(before) !== JSON.stringify(after)) return `${first.drive.state} (moving)`;
  expect(reported(first)).toEqual(expected(after));
  return first.drive.state;
}

/** waitForOrphans waits until the helper and commands the killed agent left behind have ended. */
async function waitForOrphans(): Promise<void> {
  const agentPid = agent.process.pid ?? -1;
  const left = await waitUntilGone(
    (p, all) =>
      p.command.includes(pi.dir) &&
      !p.command.includes('immich-stub') &&
      p.pid !== agentPid &&
      !descendantsOf(agentPid, all).some((child) => child.pid === p.pid),
    10_000,
  );
  expect(left).toEqual([]);
}

/** settledReport waits (6 s at most: status caches units 3 s, the drive 1 s) for the truth. */
async function settledReport(truth: Truth) {
  const want = JSON.stringify(expected(truth));
  return waitFor(
    'status matching the sandbox',
    async () => {
      const now = reported(await readStatus(phone));
      return JSON.stringify(now) === want ? now : null;
    },
    6_000,
  ).catch(async () => reported(await readStatus(phone)));
}

describe('the agent killed with SIGKILL during an unlock step', () => {
  for (const kill of CASES) {
    it(`reports the true state after a kill during ${kill.step}, then unlocks and locks`, async () => {
      expect(expectedState(await readTruth())).toBe('locked');
      await killDuring(kill);
      const first = await firstLook();
      await waitForOrphans();
      const truth = await readTruth();
      const settled = await settledReport(truth);
      expect(settled).toEqual(expected(truth));
      console.info(
        `unlock-kill: killed during ${kill.step}; at restart ${first}, then ${settled.state}: ${JSON.stringify(truth)}`,
      );

      await kill.slow(null);
      if (settled.state !== 'running') {
        const unlocked = await runToEnd('unlock');
        expect([unlocked.state, unlocked.error]).toEqual(['succeeded', null]);
        expect((await readStatus(phone)).drive.state).toBe('running');
      }
      const locked = await runToEnd('lock');
      expect([locked.state, locked.error]).toEqual(['succeeded', null]);
      expect((await readStatus(phone)).drive.state).toBe('locked');
      expect(await readTruth()).toEqual({
        mapperOpen: false,
        mounted: false,
        units: Object.fromEntries(UNITS.map((unit) => [unit, 'inactive'])),
      });
    });
  }
});
