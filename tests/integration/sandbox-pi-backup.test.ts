// The sandbox Pi's stub backup unit: rustic's snapshot shapes, one run per outcome through the
// built report-backup (ExecStartPre/ExecStopPost as systemd runs them), the mount condition, a
// stop mid-run and a reboot, the timer's times, and journalctl by invocation id.
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandError, runCommand } from '../../agent/src/adapters/run-command.ts';
import { parseSnapshots } from '../../agent/src/adapters/rustic/snapshots.ts';
import { timerShowArgv } from '../../agent/src/adapters/systemd-timer.ts';
import {
  type RunRecord,
  RunRecord as RunRecordSchema,
} from '../../agent/src/domain/backups/spool-record.ts';
import { type BackupOutcome, createSandboxPi, type SandboxPi } from '../../sandbox-pi/index.ts';
import { eventually } from '../fixtures/eventually.ts';

let pi: SandboxPi;
beforeAll(async () => {
  pi = await createSandboxPi();
  await pi.setMounted(true);
});
afterAll(() => pi?.remove());

const UNIT = 'immich-backup.service';
const bin = (name: string) => join(pi.dir, 'bin', name);
// The stubs' local time is the test's, also when a test run sets TZ (runCommand passes only PATH).
const env = {
  PATH: process.env.PATH ?? '/usr/bin',
  ...(process.env.TZ ? { TZ: process.env.TZ } : {}),
};
const systemctl = (...args: string[]) => runCommand([bin('systemctl'), ...args], { env });
const rusticList = async () => (await runCommand([bin('rustic'), 'snapshots', '--json'])).stdout;
const unitState = async () =>
  (await readFile(join(pi.dir, 'units', `${UNIT}.state`), 'utf8')).trim();
const spoolNames = async () =>
  (await readdir(pi.spoolDir)).filter((n) => n.endsWith('.json')).sort();
const listedIds = async () => {
  const listing = parseSnapshots(await rusticList());
  if (!listing.ok) throw new Error(listing.error);
  return listing.snapshots.map((s) => s.id);
};
const readRecord = async (name: string): Promise<RunRecord> =>
  v.parse(RunRecordSchema, JSON.parse(await readFile(join(pi.spoolDir, name), 'utf8')));

/** runAsTimer runs the unit once with this outcome and answers the one run record it left. */
async function runAsTimer(outcome: BackupOutcome): Promise<RunRecord> {
  const before = new Set(await spoolNames());
  await pi.setBackupOutcome(outcome);
  await pi.startBackupAsTimer();
  expect(await unitState()).toBe('activating');
  await pi.waitForBackupIdle();
  const added = (await spoolNames()).filter((name) => !before.has(name));
  expect(added).toHaveLength(1);
  expect(added[0]).toMatch(/^[0-9a-f]{32}\.run\.json$/);
  return readRecord(added[0] as string);
}

const newIds = (record: RunRecord) => {
  const after = record.snapshots.ok ? record.snapshots.snapshots.map((s) => s.id) : [];
  return after.filter((id) => !record.before?.snapshotIds?.includes(id));
};
const exitOf = (record: RunRecord) => [record.serviceResult, record.exitCode, record.exitStatus];

describe('sandbox Pi stub rustic', () => {
  it('prints its repository in the grouped, flat and tuple shapes, or what a test says', async () => {
    await pi.seedBackupHistory({ days: 3, now: Date.UTC(2026, 10, 24, 12) });
    const ids = await listedIds();
    expect(ids).toHaveLength(4); // the initial backup and three nights
    expect(ids.every((id) => /^[0-9a-f]{64}$/.test(id))).toBe(true);

    const grouped = JSON.parse(await rusticList());
    expect(grouped).toHaveLength(1);
    expect(grouped[0].group_key).toEqual({
      hostname: 'immich-pi',
      label: '',
      paths: ['/mnt/immich_drive/immich_data'],
    });
    expect(Object.keys(grouped[0].snapshots[0].summary)).toHaveLength(23);

    await pi.setSnapshotShape('flat');
    const flat = JSON.parse(await rusticList());
    expect(flat.map((s: { id: string }) => s.id)).toEqual(ids);
    expect(await listedIds()).toEqual(ids);

    await pi.setSnapshotShape('tuple');
    const tuple = JSON.parse(await rusticList());
    expect(tuple[0][0]).toEqual(grouped[0].group_key);
    expect(tuple[0][1]).toEqual(grouped[0].snapshots);
    expect(await listedIds()).toEqual(ids);
    await pi.setSnapshotShape('grouped');

    await pi.setRusticOutput('[{"group_key": {"hostname": "immich-pi"}, "snapsh');
    expect(await rusticList()).toBe('[{"group_key": {"hostname": "immich-pi"}, "snapsh');
    await pi.setRusticOutput(null);
    expect(await listedIds()).toEqual(ids);

    await writeFile(join(pi.dir, 'rustic/fail'), '');
    const failed = await rusticList().catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(CommandError);
    expect((failed as CommandError).exitCode).toBe(1);
    expect((failed as CommandError).stderr).toMatch(/^\[ERROR\] .*timed out/);
    await rm(join(pi.dir, 'rustic/fail'));

    await runCommand([bin('rustic'), '-P', 'offsite', 'snapshots', '--json']);
    expect((await pi.readCommandLog()).at(-1)).toEqual([
      'rustic',
      '-P',
      'offsite',
      'snapshots',
      '--json',
    ]);
  });
});

describe('sandbox Pi stub backup unit', () => {
  it('ok: a new snapshot, exit 0, the run logged, the unit inactive', async () => {
    const record = await runAsTimer('ok');
    expect(exitOf(record)).toEqual(['success', 'exited', '0']);
    expect(record.unit).toBe(UNIT);
    expect(record.before?.invocationId).toBe(record.invocationId);
    expect(record.at.monoMs).toBeGreaterThan(record.before?.at.monoMs ?? Infinity);
    expect(newIds(record)).toHaveLength(1);
    expect((await listedIds()).at(-1)).toBe(newIds(record)[0]);
    expect(
      record.log.some((l) => / rustic\[\d+\]: snapshot [0-9a-f]{8} successfully saved\.$/.test(l)),
    ).toBe(true);
    expect(record.log[0]).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} immich-pi-report-backup\[\d+\]: /,
    );
    expect(await unitState()).toBe('inactive');
    // The spool holds the run record only: report-backup removed its before record.
    expect(await spoolNames()).not.toContain(`${record.invocationId}.before.json`);
  });

  it('partial: a snapshot with ignoring-error warnings, exit 0', async () => {
    const record = await runAsTimer('partial');
    expect(exitOf(record)).toEqual(['success', 'exited', '0']);
    expect(newIds(record)).toHaveLength(1);
    const warnings = record.log.filter((l) => l.includes('[WARN] ignoring error'));
    expect(warnings.length).toBeGreaterThanOrEqual(2);
    expect(warnings[0]).toContain('Permission denied (os error 13)');
  });

  it('fail: no snapshot, ERROR lines, exit 1, the unit failed', async () => {
    const record = await runAsTimer('fail');
    expect(exitOf(record)).toEqual(['exit-code', 'exited', '1']);
    expect(newIds(record)).toEqual([]);
    expect(record.log.some((l) => l.includes('[ERROR] error sending request'))).toBe(true);
    expect(await unitState()).toBe('failed');
  });

  it('interrupted: no snapshot, yet exit 0 after SIGTERM', async () => {
    const record = await runAsTimer('interrupted');
    expect(exitOf(record)).toEqual(['success', 'exited', '0']);
    expect(newIds(record)).toEqual([]);
    expect(record.log.at(-1)).toContain('[INFO] received SIGTERM, stopping');
    expect(await unitState()).toBe('inactive');
  });

  it('a blocking start waits for the run and fails with it', async () => {
    await pi.setBackupOutcome('fail');
    const before = (await spoolNames()).length;
    const failed = await systemctl('start', UNIT).catch((error: unknown) => error);
    expect((failed as CommandError).exitCode).toBe(1);
    expect((failed as CommandError).stderr).toContain(`Job for ${UNIT} failed`);
    expect(await spoolNames()).toHaveLength(before + 1);
    await pi.setBackupOutcome('ok');
    await systemctl('start', UNIT);
    expect(await unitState()).toBe('inactive');
  });

  it('is skipped, not failed, while the drive is not mounted', async () => {
    await pi.setMounted(false);
    const before = await spoolNames();
    const calls = (await pi.readCommandLog()).length;
    await pi.startBackupAsTimer();
    await pi.waitForBackupIdle();
    expect(await spoolNames()).toEqual(before);
    expect((await readFile(join(pi.dir, 'units', `${UNIT}.condition`), 'utf8')).trim()).toBe('no');
    expect(await unitState()).not.toBe('activating');
    expect((await pi.readCommandLog()).slice(calls).map(([program]) => program)).toEqual([
      'systemctl',
    ]);
    await pi.setMounted(true);
  });

  it('stops mid-run on systemctl stop: exit 0, no snapshot; a second start joins the run', async () => {
    await pi.setBackupOutcome('slow');
    const before = new Set(await spoolNames());
    const snapshots = await listedIds();
    await pi.startBackupAsTimer();
    await pi.startBackupAsTimer(); // systemd joins the running job
    await waitFor(async () => (await readdir(pi.spoolDir)).some((n) => n.endsWith('.before.json')));
    const started = performance.now();
    await systemctl('stop', UNIT);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(await unitState()).toBe('inactive');
    const added = (await spoolNames()).filter((name) => !before.has(name));
    expect(added).toHaveLength(1);
    const record = await readRecord(added[0] as string);
    expect(exitOf(record)).toEqual(['success', 'exited', '0']);
    expect(record.log.at(-1)).toContain('received SIGTERM');
    expect(await listedIds()).toEqual(snapshots);
    await pi.setBackupOutcome('ok');
  });

  it('reboot kills a running backup: its before record stays, no run record', async () => {
    await pi.setBackupOutcome('slow');
    const runsBefore = (await spoolNames()).filter((n) => n.endsWith('.run.json'));
    await pi.startBackupAsTimer();
    await waitFor(async () => (await readdir(pi.spoolDir)).some((n) => n.endsWith('.before.json')));
    await pi.reboot();
    await pi.waitForBackupIdle(1000);
    expect(await unitState()).toBe('inactive');
    const names = await spoolNames();
    expect(names.filter((n) => n.endsWith('.run.json'))).toEqual(runsBefore);
    for (const name of names.filter((n) => n.endsWith('.before.json')))
      await rm(join(pi.spoolDir, name));
    await pi.setMounted(true);
    await pi.setBackupOutcome('ok');
  });

  it('shows the timer: the next 03:00 at first, then 24 h after a start', async () => {
    // The very argv the agent runs for the timer.
    const argv = timerShowArgv(bin('systemctl'), 'immich-backup.timer');
    const show = async () => (await runCommand(argv, { env })).stdout;
    await rm(join(pi.dir, 'units/immich-backup.timer.next'), { force: true });
    await rm(join(pi.dir, 'units/immich-backup.timer.last'), { force: true });
    const [, next] =
      /^NextElapseUSecRealtime=@(\d+)\nLastTriggerUSec=n\/a\n$/.exec(await show()) ?? [];
    const at = new Date(Number(next) * 1000);
    expect([at.getHours(), at.getMinutes(), at.getSeconds()]).toEqual([3, 0, 0]);
    expect(Number(next) * 1000 - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
    expect(Number(next) * 1000).toBeGreaterThan(Date.now());

    const startedAt = Math.floor(Date.now() / 1000);
    await pi.startBackupAsTimer();
    await pi.waitForBackupIdle();
    const [, next2, last] =
      /^NextElapseUSecRealtime=@(\d+)\nLastTriggerUSec=@(\d+)\n$/.exec(await show()) ?? [];
    expect(Number(last)).toBeGreaterThanOrEqual(startedAt);
    expect(Number(next2) - Number(last)).toBe(24 * 3600);
    expect(
      (await systemctl('show', '-p', 'Id', '-p', 'ActiveState', 'immich-backup.timer')).stdout,
    ).toBe('Id=immich-backup.timer\nActiveState=active\n');
  });

  it('journalctl by invocation id: the run, nothing for an unknown one', async () => {
    const journalctl = (...args: string[]) => runCommand([bin('journalctl'), ...args]);
    const [name] = (await spoolNames()).filter((n) => n.endsWith('.run.json'));
    const id = (name as string).slice(0, 32);
    const two = await journalctl(
      `_SYSTEMD_INVOCATION_ID=${id}`,
      '-n',
      '2',
      '-o',
      'short-iso',
      '--no-hostname',
      '--no-pager',
      '-q',
    );
    expect(two.stdout.trim().split('\n')).toHaveLength(2);
    expect((await journalctl(`_SYSTEMD_INVOCATION_ID=${'0'.repeat(32)}`, '-q')).stdout).toBe('');
    expect((await journalctl('_SYSTEMD_INVOCATION_ID=../../agent.json')).stdout).toBe(
      '-- No entries --\n',
    );
  });
});

/** waitFor polls until check is true, 10 s at most. */
async function waitFor(check: () => Promise<boolean>): Promise<void> {
  await eventually('the sandbox backup', check);
}
