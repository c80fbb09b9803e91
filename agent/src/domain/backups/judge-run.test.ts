// The truth rule on every way a run can end: ids decide, exit codes and clocks do not.
import { describe, expect, it } from 'vitest';
import { type JudgeContext, judgeRun } from './judge-run.ts';
import type { BeforeRecord, RunRecord, SnapshotInfo } from './spool-record.ts';

const INVOCATION = '0f3c2a9b7d1e4f5a8b6c0d2e4f6a8b0c';
const OLD_A = 'aa'.repeat(32);
const OLD_B = 'bb'.repeat(32);
const NEW = 'cc'.repeat(32);

function snapshot(id: string, timeMs: number | null, filesProcessed: number | null = 118_247) {
  return {
    id,
    time: timeMs === null ? 'not a time' : new Date(timeMs).toISOString(),
    timeMs,
    filesNew: 3,
    filesChanged: 1,
    filesProcessed,
    bytesAdded: 4096,
    bytesProcessed: 9_000_000,
  } satisfies SnapshotInfo;
}

const before: BeforeRecord = {
  v: 1,
  kind: 'before',
  invocationId: INVOCATION,
  at: { wallMs: 1_800_000_000_000, bootId: 'boot-1', monoMs: 50_000 },
  snapshotIds: [OLD_A, OLD_B],
  error: null,
};
const oldSnapshots = [snapshot(OLD_A, 1_799_000_000_000), snapshot(OLD_B, 1_799_900_000_000)];

/** A run that ended cleanly with one new snapshot; each test changes what it is about. */
function run(change: Partial<RunRecord> = {}): RunRecord {
  return {
    v: 1,
    kind: 'run',
    invocationId: INVOCATION,
    unit: 'immich-backup.service',
    before,
    at: { wallMs: 1_800_000_400_000, bootId: 'boot-1', monoMs: 443_210 },
    serviceResult: 'success',
    exitCode: 'exited',
    exitStatus: '0',
    snapshots: { ok: true, snapshots: [...oldSnapshots, snapshot(NEW, 1_800_000_390_000)] },
    log: ['[INFO] starting to backup /mnt/immich_drive/immich_data ...', '[INFO] backup done'],
    logError: null,
    ...change,
  };
}
const noNewSnapshot = { snapshots: { ok: true as const, snapshots: oldSnapshots } };
const context: JudgeContext = {
  knownSnapshotIds: null,
  previousGoodFilesProcessed: 118_000,
  collapseRatio: 0.5,
};

describe('judgeRun: a new snapshot id appeared', () => {
  it('succeeds with the new snapshot, its times and its monotonic duration', () => {
    expect(judgeRun(run(), context)).toEqual({
      result: 'succeeded',
      reason: null,
      flags: [],
      snapshot: snapshot(NEW, 1_800_000_390_000),
      startedAt: 1_800_000_000_000,
      endedAt: 1_800_000_400_000,
      durationSeconds: 393.2,
    });
  });

  it('takes the newest new snapshot by time, else the last one listed', () => {
    const older = snapshot('dd'.repeat(32), 1_800_000_100_000);
    const newer = snapshot(NEW, 1_800_000_300_000);
    const byTime = run({ snapshots: { ok: true, snapshots: [newer, ...oldSnapshots, older] } });
    expect(judgeRun(byTime, context).snapshot?.id).toBe(NEW);
    const untimed = [snapshot('dd'.repeat(32), null), snapshot(NEW, null)];
    const byOrder = run({ snapshots: { ok: true, snapshots: [...oldSnapshots, ...untimed] } });
    expect(judgeRun(byOrder, context).snapshot?.id).toBe(NEW);
  });

  it('is partial when the log shows skipped files, counting them', () => {
    const log = [
      '[WARN] ignoring error IO error: Permission denied (os error 13) in /a/IMG_1.jpg',
      '[INFO] still going',
      '[WARN] ignoring error IO error: Permission denied (os error 13) in /a/IMG_2.jpg',
      '[WARN] Ignoring error IO error: Input/output error (os error 5) in /a/IMG_3.jpg',
    ];
    expect(judgeRun(run({ log }), context)).toMatchObject({
      result: 'partial',
      reason: '3 files or folders could not be read; see the log.',
      snapshot: { id: NEW },
    });
    expect(judgeRun(run({ log: log.slice(0, 1) }), context).reason).toBe(
      '1 file or folder could not be read; see the log.',
    );
    // 50 lines is all a run keeps: older skipped files may have been cut off.
    const full = Array.from({ length: 50 }, (_, i) => `[WARN] ignoring error in /a/${i}.jpg`);
    expect(judgeRun(run({ log: full }), context).reason).toBe(
      'At least 50 files or folders could not be read; see the log.',
    );
  });

  it('is partial when the unit failed after the snapshot was saved', () => {
    const failedLater = { serviceResult: 'exit-code', exitStatus: '1' };
    expect(judgeRun(run(failedLater), context)).toMatchObject({
      result: 'partial',
      reason: 'rustic reported an error after saving the snapshot',
    });
    const killedLater = { serviceResult: 'signal', exitCode: 'killed', exitStatus: 'TERM' };
    expect(judgeRun(run(killedLater), context).reason).toBe(
      'It was stopped by SIGTERM after saving the snapshot.',
    );
  });

  it('flags a processed file count that collapsed against the last good run', () => {
    const shrunk = [...oldSnapshots, snapshot(NEW, 1_800_000_390_000, 120)];
    const judgement = judgeRun(run({ snapshots: { ok: true, snapshots: shrunk } }), {
      ...context,
      previousGoodFilesProcessed: 118_247,
    });
    expect(judgement).toMatchObject({
      result: 'succeeded',
      flags: ['file-count-collapsed'],
      reason: 'It read 120 files, against 118,247 last time. Was the drive mounted?',
    });
  });

  it('does not flag at the ratio, without a previous run, or without a count', () => {
    const at = (files: number | null) =>
      run({ snapshots: { ok: true, snapshots: [snapshot(NEW, 1, files)] } });
    expect(judgeRun(at(59_000), context).flags).toEqual([]); // exactly half of 118,000
    expect(judgeRun(at(58_999), context).flags).toEqual(['file-count-collapsed']);
    expect(judgeRun(at(5), { ...context, previousGoodFilesProcessed: null }).flags).toEqual([]);
    expect(judgeRun(at(5), { ...context, previousGoodFilesProcessed: 0 }).flags).toEqual([]);
    expect(judgeRun(at(null), context).flags).toEqual([]);
  });

  it('keeps the partial reason first when the count also collapsed', () => {
    const shrunk = { ok: true as const, snapshots: [snapshot(NEW, 1, 10)] };
    const log = ['[WARN] ignoring error IO error in /a/b.jpg'];
    expect(judgeRun(run({ snapshots: shrunk, log }), context)).toMatchObject({
      result: 'partial',
      flags: ['file-count-collapsed'],
      reason: '1 file or folder could not be read; see the log.',
    });
  });
});

describe('judgeRun: no new snapshot id', () => {
  it('counts rustic exit 0 without a snapshot as interrupted, never as good', () => {
    expect(judgeRun(run(noNewSnapshot), context)).toMatchObject({
      result: 'interrupted',
      reason:
        'rustic ended without saving a snapshot, as it does when stopped (a shutdown, or a lock during the backup).',
      snapshot: null,
      flags: [],
    });
  });

  it('does not trust a snapshot time that looks new: only ids count', () => {
    // The clock jumped: an old snapshot now carries a time after the run's start.
    const jumped = [snapshot(OLD_A, 1_900_000_000_000), snapshot(OLD_B, 1_900_000_000_001)];
    const judgement = judgeRun(run({ snapshots: { ok: true, snapshots: jumped } }), context);
    expect(judgement.result).toBe('interrupted');
    expect(judgement.snapshot).toBeNull();
  });

  it('is interrupted by a signal, naming it', () => {
    const killed = { ...noNewSnapshot, serviceResult: 'signal', exitCode: 'killed' };
    expect(judgeRun(run({ ...killed, exitStatus: 'TERM' }), context).reason).toBe(
      'It was stopped by SIGTERM before it finished.',
    );
    expect(judgeRun(run({ ...killed, exitStatus: null }), context)).toMatchObject({
      result: 'interrupted',
      reason: 'It was stopped by a signal before it finished.',
    });
    const timedOut = { ...killed, serviceResult: 'timeout', exitStatus: 'KILL' };
    expect(judgeRun(run(timedOut), context)).toMatchObject({
      result: 'interrupted',
      reason: 'It was stopped by SIGKILL before it finished (the unit ran past its time limit).',
    });
  });

  it('fails with the last error line of the log, without its journal prefix', () => {
    const log = [
      '2027-03-01T03:00:01+0100 photopi rustic[812]: [INFO] repository local:/mnt/backup',
      '2027-03-01T03:00:02+0100 photopi rustic[812]: [WARN] ignoring error: cannot read /a/b.jpg',
      'Mar 01 03:00:03 photopi rustic[812]: [ERROR] error: Permission denied (os error 13)',
      '2027-03-01T03:00:04+0100 photopi rustic[812]: [ERROR] Error: connection to the repository was lost',
      '2027-03-01T03:00:05+0100 photopi systemd[1]: immich-backup.service: Main process exited',
    ];
    const failed = { ...noNewSnapshot, serviceResult: 'exit-code', exitStatus: '1', log };
    expect(judgeRun(run(failed), context)).toMatchObject({
      result: 'failed',
      reason: 'Error: connection to the repository was lost',
      snapshot: null,
    });
    const shortLog = { ...failed, log: log.slice(0, 3) };
    expect(judgeRun(run(shortLog), context).reason).toBe('error: Permission denied (os error 13)');
    // report-backup asks journalctl for --no-hostname lines.
    const noHost = {
      ...failed,
      log: ['2027-03-01T03:00:04+0100 rustic[812]: [ERROR] bucket not found'],
    };
    expect(judgeRun(run(noHost), context).reason).toBe('bucket not found');
  });

  it('fails with the exit status or the unit result when the log has no error line', () => {
    const exited = { ...noNewSnapshot, serviceResult: 'exit-code', exitStatus: '1', log: [] };
    expect(judgeRun(run(exited), context)).toMatchObject({
      result: 'failed',
      reason: 'rustic exited with status 1',
    });
    // An exit status alone is enough, when SERVICE_RESULT was not set.
    const statusOnly = { ...noNewSnapshot, serviceResult: null, exitStatus: '2', log: [] };
    expect(judgeRun(run(statusOnly), context)).toMatchObject({
      result: 'failed',
      reason: 'rustic exited with status 2',
    });
    const timeout = { ...noNewSnapshot, serviceResult: 'timeout', exitStatus: '0', log: [] };
    expect(judgeRun(run(timeout), context)).toMatchObject({
      result: 'failed',
      reason: "The unit ended with result 'timeout'",
    });
  });

  it('cuts a long reason to 300 characters', () => {
    const log = [`[ERROR] ${'x'.repeat(1000)}`];
    const failed = { ...noNewSnapshot, serviceResult: 'exit-code', exitStatus: '1', log };
    const reason = judgeRun(run(failed), context).reason ?? '';
    expect(reason).toHaveLength(300);
    expect(reason.endsWith('x…')).toBe(true);
  });
});

describe('judgeRun: when it cannot tell', () => {
  const unlisted = { snapshots: { ok: false as const, error: 'rustic printed no JSON' } };

  it('is unknown when the snapshots could not be listed after a clean exit', () => {
    expect(judgeRun(run(unlisted), context)).toMatchObject({
      result: 'unknown',
      reason: 'Could not list the snapshots after the run: rustic printed no JSON',
      snapshot: null,
    });
  });

  it('is failed when the snapshots could not be listed and the unit failed', () => {
    const failed = { ...unlisted, serviceResult: 'exit-code', exitStatus: '1', log: [] };
    expect(judgeRun(run(failed), context)).toMatchObject({
      result: 'failed',
      reason: 'rustic exited with status 1',
    });
  });

  it('falls back on the ids known from the last report when the before record is missing', () => {
    const withoutBefore = run({ before: null });
    const known = new Set([OLD_A, OLD_B]);
    expect(judgeRun(withoutBefore, { ...context, knownSnapshotIds: known })).toMatchObject({
      result: 'succeeded',
      snapshot: { id: NEW },
      startedAt: null,
      durationSeconds: null,
    });
    const noIds = run({ before: { ...before, snapshotIds: null, error: 'rustic timed out' } });
    const knownAll = { ...context, knownSnapshotIds: new Set([OLD_A, OLD_B, NEW]) };
    expect(judgeRun(noIds, knownAll).result).toBe('interrupted');
  });

  it('is unknown with no baseline at all, and failed when the unit failed', () => {
    const blind = run({ before: null });
    expect(judgeRun(blind, context)).toMatchObject({
      result: 'unknown',
      reason: 'No record of the snapshots before this run, so it cannot tell whether it made one.',
      startedAt: null,
    });
    const blindFailed = run({ before: null, serviceResult: 'exit-code', exitStatus: '3' });
    expect(judgeRun(blindFailed, context)).toMatchObject({ result: 'failed' });
  });

  it('treats an empty repository before the run as a baseline, not as unknown', () => {
    const first = run({ before: { ...before, snapshotIds: [] } });
    expect(judgeRun(first, context).result).toBe('succeeded');
  });
});

describe('judgeRun: duration', () => {
  it('uses only the monotonic clock, so a wall clock jump changes nothing', () => {
    const jumped = run({ at: { wallMs: 1_000, bootId: 'boot-1', monoMs: 110_049 } });
    expect(judgeRun(jumped, context)).toMatchObject({ endedAt: 1_000, durationSeconds: 60 });
  });

  it('is unknown across a reboot or when the monotonic clock went back', () => {
    const rebooted = run({ at: { wallMs: 1_800_000_400_000, bootId: 'boot-2', monoMs: 90_000 } });
    expect(judgeRun(rebooted, context).durationSeconds).toBeNull();
    const back = run({ at: { wallMs: 1_800_000_400_000, bootId: 'boot-1', monoMs: 49_999 } });
    expect(judgeRun(back, context).durationSeconds).toBeNull();
  });
});
