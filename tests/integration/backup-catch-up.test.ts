// A missed backup caught up after unlock: the timer's run was skipped while the drive was locked
// (the stub unit's condition, as ConditionPathIsMountPoint does), so the unlock starts one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSPHRASE, type SandboxPi } from '../../sandbox-pi/index.ts';
import { ROUTES } from '../../shared/api.ts';
import type { AuditResponse } from '../../shared/audit.ts';
import type { BackupsResponse } from '../../shared/backups.ts';
import {
  type AgentProcess,
  makeSandbox,
  mintCode,
  type PairedDevice,
  pairDevice,
  startAgent,
  stopAllAgents,
} from '../fixtures/agent-process.ts';
import { pollOperation, postUnlock, requestJson } from '../fixtures/unlock-client.ts';

const HOUR = 3600_000;

let pi: SandboxPi;
let agent: AgentProcess;
let phone: PairedDevice;

beforeAll(async () => {
  pi = await makeSandbox({ sampleIntervalSeconds: 1 });
  await pi.seedBackupHistory({ days: 3, lastRunEndedAt: Date.now() - 30 * HOUR });
  agent = await startAgent(pi);
  phone = await pairDevice(agent.url, (await mintCode(pi)).code, 'Phone');
}, 60_000);

afterAll(async () => {
  await stopAllAgents();
  await pi?.remove();
});

describe('a missed backup', () => {
  it('is skipped while the drive is locked, and started by the agent after the unlock', async () => {
    const before = (await requestJson<BackupsResponse>(phone, 'GET', ROUTES.backups)).body;
    // The timer fires while locked: the unit is skipped, nothing is recorded, nothing fails.
    await pi.startBackupAsTimer();
    await pi.waitForBackupIdle(10_000);
    const skipped = (await requestJson<BackupsResponse>(phone, 'GET', ROUTES.backups)).body;
    expect(skipped.runs[0]?.seq).toBe(before.runs[0]?.seq);
    expect(skipped.summary.lastResult).toBe('succeeded');

    const unlock = await postUnlock(phone, DEMO_PASSPHRASE);
    expect(unlock.status).toBe(202);
    const done = await pollOperation(phone, unlock.body.operationId, { timeoutMs: 60_000 });
    expect(done.state).toBe('succeeded');
    let newest = skipped.runs[0];
    for (let i = 0; i < 200 && newest?.seq === skipped.runs[0]?.seq; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      newest = (await requestJson<BackupsResponse>(phone, 'GET', ROUTES.backups)).body.runs[0];
    }
    expect(newest).toMatchObject({ result: 'succeeded', demo: false });
    const audit = (await requestJson<AuditResponse>(phone, 'GET', ROUTES.audit)).body;
    expect(audit.entries.map((entry) => entry.detail)).toContain(
      'A backup started after the unlock, since the daily one was missed.',
    );
  });
});
