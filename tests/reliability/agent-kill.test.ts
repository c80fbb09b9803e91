// kill -9 of the real agent while it pairs devices as fast as it can: every device whose pair call
// got its 201 must still be accepted after the restart, and no state file may ever need recovery.
import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxPi } from '../../sandbox-pi/index.ts';
import { ROUTES } from '../../shared/api.ts';
import type { StatusResponse } from '../../shared/status.ts';
import {
  type AgentProcess,
  hello,
  makeSandbox,
  mintCode,
  type PairedDevice,
  pairDevice,
  startAgent,
  stopAllAgents,
} from '../fixtures/agent-process.ts';

const MAX_ITERATIONS = 25;
const TIME_BUDGET_MS = 25_000;
const PAIRING_WORKERS = 4;
const VERIFY_CONCURRENCY = 32;

let pi: SandboxPi;
beforeAll(async () => {
  // One device mints every code, far faster than the default 20 requests/s allow, and the
  // pairings' hello and pair calls come faster than the default unsigned limit allows.
  pi = await makeSandbox({
    withoutCryptsetup: true,
    security: {
      ratePerSecond: 10_000,
      rateBurst: 10_000,
      unsignedRatePerSecond: 10_000,
      unsignedBurst: 10_000,
    },
  });
});
afterAll(async () => {
  await stopAllAgents();
  await pi?.remove();
});

/**
 * pairUntilKilled pairs devices in parallel until `stopped()`; it answers those that got a 201.
 * `onAcknowledged` runs after each 201, so the caller can kill only once real work is under way.
 */
async function pairUntilKilled(
  agent: AgentProcess,
  minter: PairedDevice,
  stopped: () => boolean,
  onAcknowledged: () => void,
) {
  const acknowledged: PairedDevice[] = [];
  const worker = async () => {
    while (!stopped()) {
      try {
        const minted = await minter.signedFetch('POST', ROUTES.pairingCodes);
        if (minted.status !== 201) throw new Error(`minting answered ${minted.status}`);
        const { code } = (await minted.json()) as { code: string };
        acknowledged.push(await pairDevice(agent.url, code));
        onAcknowledged();
      } catch (error) {
        if (!stopped()) throw error; // only the kill may interrupt a pairing
      }
    }
  };
  await Promise.all(Array.from({ length: PAIRING_WORKERS }, worker));
  return acknowledged;
}

/** refusedDevices signs one status request per device and answers those not given a 200. */
async function refusedDevices(devices: PairedDevice[]): Promise<string[]> {
  const refused: string[] = [];
  for (let at = 0; at < devices.length; at += VERIFY_CONCURRENCY) {
    await Promise.all(
      devices.slice(at, at + VERIFY_CONCURRENCY).map(async (device) => {
        const res = await device.signedFetch('GET', ROUTES.status);
        if (res.status !== 200) refused.push(`${device.id}: ${res.status} ${await res.text()}`);
      }),
    );
  }
  return refused;
}

describe('the agent killed with SIGKILL while pairing', () => {
  it('loses no acknowledged device and never needs to recover a state file', async () => {
    let agent = await startAgent(pi);
    const agentKey = (await hello(agent.url)).agentKey;
    const minter = await pairDevice(agent.url, (await mintCode(pi)).code, 'Minter');
    const acknowledged: PairedDevice[] = [minter];
    const started = Date.now();
    let iterations = 0;
    let killsMidWrite = 0;

    while (iterations < MAX_ITERATIONS && Date.now() - started < TIME_BUDGET_MS) {
      iterations += 1;
      let killed = false;
      let firstAcknowledged = () => {};
      const underWay = new Promise<void>((resolve) => {
        firstAcknowledged = resolve;
      });
      const pairing = pairUntilKilled(agent, minter, () => killed, firstAcknowledged);
      // Kill at a random moment after this run's first 201 (on a slow machine a fixed window
      // could end before any pairing did); a run that pairs nothing in 10 s fails the test.
      const stalled = new Promise<'stalled'>((resolve) =>
        setTimeout(() => resolve('stalled'), 10_000).unref(),
      );
      expect({ iteration: iterations, run: await Promise.race([underWay, stalled]) }).toEqual({
        iteration: iterations,
        run: undefined,
      });
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 400));
      killed = true;
      await agent.stop('SIGKILL');
      acknowledged.push(...(await pairing));
      // A temp file left behind shows the kill landed inside a write.
      const left = await readdir(pi.config.stateDir);
      if (left.some((name) => name.endsWith('.tmp'))) killsMidWrite += 1;

      agent = await startAgent(pi);
      const now = await hello(agent.url);
      expect(now.agentKey).toBe(agentKey);
      for (const device of acknowledged) {
        device.baseUrl = agent.url;
        device.offsetMs = now.offsetMs;
      }
      expect({ iteration: iterations, refused: await refusedDevices(acknowledged) }).toEqual({
        iteration: iterations,
        refused: [],
      });
      const status = (await (
        await minter.signedFetch('GET', ROUTES.status)
      ).json()) as StatusResponse;
      expect(status.warnings).toEqual([]);
      expect(agent.stderr()).not.toMatch(/corrupt|error/i);
    }

    const leftovers = (await readdir(pi.config.stateDir)).filter((n) => /corrupt|tmp/.test(n));
    expect(leftovers).toEqual([]);
    // The loop must have done real work, or it proves nothing.
    expect(iterations).toBeGreaterThanOrEqual(5);
    expect(acknowledged.length).toBeGreaterThan(iterations);
    expect(killsMidWrite).toBeGreaterThan(0);
    console.info(
      `agent-kill: ${iterations} kills (${killsMidWrite} inside a write), ${acknowledged.length} acknowledged devices`,
    );
    await agent.stop();
  });
});
