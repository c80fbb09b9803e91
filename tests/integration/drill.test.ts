// The restore drill end to end on the sandbox Pi: the stub verify unit runs the built
// immich-pi-verify-backup against stub rustic restoring the sandbox drive's own files.
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DrillRecord } from '../../agent/src/domain/recovery/drill-record.ts';
import { createSandboxPi, type RestoreOutcome, type SandboxPi } from '../../sandbox-pi/index.ts';

let pi: SandboxPi;
beforeAll(async () => {
  pi = await createSandboxPi();
  await pi.setMounted(true);
  await pi.startBackupAsTimer(); // one snapshot to restore from
  await pi.waitForBackupIdle();
}, 60_000);
afterAll(() => pi?.remove());

const scratch = () => join(pi.root, 'mnt/immich_drive/.immich-pi-restore-test');
const records = async () =>
  (await readdir(pi.drillSpoolDir).catch(() => [])).filter((n) => n.endsWith('.drill.json'));

/** drill runs one drill with this outcome and answers the one record it left. */
async function drill(outcome: RestoreOutcome): Promise<DrillRecord> {
  const before = new Set(await records());
  await pi.setRestoreOutcome(outcome);
  await pi.startDrillAsTimer();
  await pi.waitForDrillIdle();
  const added = (await records()).filter((n) => !before.has(n));
  expect(added).toHaveLength(1);
  const text = await readFile(join(pi.drillSpoolDir, added[0] as string), 'utf8');
  return v.parse(DrillRecord, JSON.parse(text));
}

describe('the restore drill on the sandbox', () => {
  it('passes: 20 files matched and the dump ok, no scratch left', async () => {
    const r = await drill('ok');
    expect(r.reason).toBeNull();
    expect(r.result).toBe('passed');
    expect(r.files).toEqual({ checked: 20, matched: 20, mismatches: [] });
    expect(r.dump).toMatchObject({ ok: true, problem: null });
    expect(r.dump?.name).toMatch(/^immich-db-backup-\d{8}T\d{6}-v1\.130\.3-pg14\.13\.sql\.gz$/);
    expect(r.check?.ok).toBe(true);
    expect(r.scratchRemoved).toBe(true);
    await expect(readdir(scratch())).rejects.toThrow();
  }, 60_000);

  it('fails on a corrupted file, naming its path', async () => {
    const r = await drill('corrupt');
    expect(r.result).toBe('failed');
    expect(r.files.matched).toBe(19);
    const path = r.files.mismatches[0]?.path ?? '';
    expect(path).toMatch(/^\/mnt\/immich_drive\/immich_data\/(library|thumbs)\//);
    expect(r.reason).toContain(path);
  }, 60_000);

  it('fails on a truncated dump', async () => {
    const r = await drill('truncate-dump');
    expect(r.result).toBe('failed');
    expect(r.dump?.problem).toBe('it is cut short');
  }, 60_000);

  it('records a hang past its timeout as an error and cleans', async () => {
    await pi.setDrillTimeoutSeconds(2);
    try {
      const r = await drill('hang');
      expect(r.result).toBe('error');
      expect(r.reason).toBe('the restore took longer than 2 seconds');
      expect(r.scratchRemoved).toBe(true);
      await expect(readdir(scratch())).rejects.toThrow();
    } finally {
      await pi.setDrillTimeoutSeconds(null);
    }
  }, 60_000);

  it('a drill stopped by SIGTERM records it and leaves no scratch', async () => {
    await pi.setRestoreOutcome('hang');
    const before = new Set(await records());
    await pi.startDrillAsTimer();
    const pid = Number(await waitFor(() => readFile(join(pi.dir, 'backup/drill.pid'), 'utf8')));
    await waitFor(() => readdir(scratch()));
    process.kill(-pid, 'SIGTERM');
    await pi.waitForDrillIdle();
    const added = (await records()).filter((n) => !before.has(n));
    const r = v.parse(
      DrillRecord,
      JSON.parse(await readFile(join(pi.drillSpoolDir, added[0] as string), 'utf8')),
    );
    expect(r).toMatchObject({
      result: 'error',
      reason: 'the drill was stopped',
      scratchRemoved: true,
    });
    await expect(readdir(scratch())).rejects.toThrow();
  }, 60_000);

  it('after a SIGKILL the next drill removes the stale scratch', async () => {
    await pi.setRestoreOutcome('hang');
    await pi.startDrillAsTimer();
    const pid = Number(await waitFor(() => readFile(join(pi.dir, 'backup/drill.pid'), 'utf8')));
    await waitFor(() => readdir(scratch()));
    process.kill(-pid, 'SIGKILL');
    await rm(join(pi.dir, 'backup/drill.pid'), { force: true });
    await rm(join(pi.dir, 'units/immich-pi-verify-backup.service.state'), { force: true });
    await readdir(scratch()); // left behind by the kill
    const r = await drill('ok');
    expect(r.result).toBe('passed');
    await expect(readdir(scratch())).rejects.toThrow();
  }, 60_000);

  it('waits for a running backup and never overlaps it', async () => {
    await pi.setBackupOutcome('slow');
    await pi.startBackupAsTimer();
    const r = await drill('ok');
    await pi.waitForBackupIdle();
    await pi.setBackupOutcome('ok');
    expect(r.result).toBe('passed');
    // The drill's check came after the backup's end was recorded (its ExecStopPost report).
    const checks = (await readFile(join(pi.dir, 'log/drill-checks.log'), 'utf8'))
      .trim()
      .split('\n');
    const runs = (await readdir(pi.spoolDir)).filter((n) => n.endsWith('.run.json'));
    const ends = await Promise.all(
      runs.map(async (n) => (await stat(join(pi.spoolDir, n))).mtimeMs),
    );
    expect(Number(checks.at(-1))).toBeGreaterThan(Math.max(...ends));
  }, 90_000);
});

async function waitFor<T>(read: () => Promise<T>, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await read();
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
