// A missed backup caught up after unlock: the timer's run was skipped while the drive was locked
// (the stub unit's condition, as ConditionPathIsMountPoint does), so the unlock starts one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSPHRASE, type SandboxPi } from '../../sandbox-pi/index.ts';
import { ROUTES } from '../../shared/api.ts';
import type { AuditResponse } from '../../shared/audit.ts';
import type { BackupsResponse } from '../../shared/backups.ts';
import { type PairedDevice, pairedAgent, stopAllAgents } from '../fixtures/agent-process.ts';
import { eventually } from '../fixtures/eventually.ts';
import { sampleMarks } from '../fixtures/samples.ts';
import { pollOperation, postUnlock, requestJson } from '../fixtures/unlock-client.ts';

const HOUR = 3600_000;

let pi: SandboxPi;
let phone: PairedDevice;

beforeAll(async () => {
  ({ pi, phone } = await pairedAgent({
    sampleIntervalSeconds: 1,
    prepare: (sandbox: SandboxPi) =>
      sandbox.seedBackupHistory({ days: 3, lastRunEndedAt: Date.now() - 30 * HOUR }),
    phoneName: 'Phone',
  }));
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
    // Two whole samples after the skipped run: a record it had left would be ingested by now.
    const samples = sampleMarks(pi, phone);
    await samples.next();
    await samples.next();
    const skipped = (await requestJson<BackupsResponse>(phone, 'GET', ROUTES.backups)).body;
    expect(skipped.runs[0]?.seq).toBe(before.runs[0]?.seq);
    expect(skipped.summary.lastResult).toBe('succeeded');

    const unlock = await postUnlock(phone, DEMO_PASSPHRASE);
    expect(unlock.status).toBe(202);
    const done = await pollOperation(phone, unlock.body.operationId, { timeoutMs: 60_000 });
    expect(done.state).toBe('succeeded');
    const newestRun = async () =>
      (await requestJson<BackupsResponse>(phone, 'GET', ROUTES.backups)).body.runs[0];
    const newest = await eventually('the caught-up run in the history', newestRun, {
      until: (run) => run?.seq !== skipped.runs[0]?.seq,
      timeoutMs: 20_000,
      everyMs: 100,
    }).catch(newestRun);
    expect(newest).toMatchObject({ result: 'succeeded', demo: false });
    const audit = (await requestJson<AuditResponse>(phone, 'GET', ROUTES.audit)).body;
    expect(audit.entries.map((entry) => entry.detail)).toContain(
      'A backup started after the unlock, since the daily one was missed.',
    );
  });
});
