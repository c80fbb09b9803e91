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

describe('the nightly time a manual start moved', () => {
  it('is kept when asked: the agent starts the backup at it, and the timer is back on it', async () => {
    const runs = async () =>
      (await requestJson<BackupsResponse>(phone, 'GET', ROUTES.backups)).body;
    await pi.waitForBackupIdle();
    // The stub timer counts from the last start, as the seed's OnUnitActiveSec does.
    // Whole seconds: systemctl show prints the timer's times so.
    const nightly = Math.ceil((Date.now() + 8000) / 1000) * 1000;
    await pi.setNextBackupAt(nightly);
    const notMoved = await requestJson(phone, 'POST', ROUTES.keepBackupSchedule);
    expect(notMoved).toMatchObject({
      status: 409,
      body: { error: { code: 'backup-schedule-not-moved' } },
    });

    expect((await requestJson(phone, 'POST', ROUTES.backups)).status).toBe(202);
    const moved = await eventually('the moved timer', async () => (await runs()).summary.nextAt, {
      until: (at) => at !== null && at > nightly + 20 * HOUR,
      timeoutMs: 10_000,
      everyMs: 100,
    });
    expect(moved).toBeGreaterThan(nightly + 20 * HOUR);
    const kept = await requestJson<{ keptAt: number }>(phone, 'POST', ROUTES.keepBackupSchedule);
    expect(kept).toMatchObject({ status: 200, body: { keptAt: nightly } });
    expect((await runs()).summary.nextAt).toBe(nightly);
    await pi.waitForBackupIdle();
    const manual = (await runs()).runs[0];

    // At the kept time the agent starts the unit itself; the stub timer counts a day from then.
    const afterKept = await eventually('the run at the kept time', runs, {
      until: (page) => page.runs[0]?.seq !== manual?.seq && page.summary.running === null,
      timeoutMs: 30_000,
      everyMs: 200,
    });
    expect(afterKept.runs[0]).toMatchObject({ result: 'succeeded' });
    expect(afterKept.runs[0]?.startedAt).toBeGreaterThanOrEqual(nightly);
    const next = afterKept.summary.nextAt ?? 0;
    expect(next - (nightly + 24 * HOUR)).toBeGreaterThanOrEqual(0);
    expect(next - (nightly + 24 * HOUR)).toBeLessThan(5000);
    const audit = (await requestJson<AuditResponse>(phone, 'GET', ROUTES.audit)).body;
    expect(audit.entries.map((entry) => entry.kind)).toEqual(
      expect.arrayContaining(['backup-schedule-kept']),
    );
    expect(audit.entries.map((entry) => entry.detail)).toContain(
      'The nightly backup started at its usual time, kept from the app.',
    );
  }, 60_000);
});
