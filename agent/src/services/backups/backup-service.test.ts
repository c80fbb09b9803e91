// The backup service on a pinned clock with an in-memory spool: ingest, alerts across restarts,
// orphaned runs, staleness and the catch-up after unlock.
import { describe, expect, it, vi } from 'vitest';
import type { DriveState } from '../../../../shared/status.ts';
import { parseConfig } from '../../config.ts';
import type { BeforeRecord, RunRecord, SnapshotInfo } from '../../domain/backups/spool-record.ts';
import { BackupService, type BackupServiceOptions } from './backup-service.ts';
import { type BackupsState, emptyBackups } from './history.ts';

const HOUR = 3600_000;
const config = parseConfig({}).backup;

const snapshot = (id: string, timeMs: number, filesProcessed = 1000): SnapshotInfo => ({
  id,
  time: new Date(timeMs).toISOString(),
  timeMs,
  filesNew: 3,
  filesChanged: 1,
  filesProcessed,
  bytesAdded: 1024,
  bytesProcessed: 10_000,
});

const invocation = (n: number) => n.toString(16).padStart(32, '0');

function harness(state: BackupsState = emptyBackups()) {
  const clock = { wallMs: 1_764_000_000_000, monoMs: 1_000_000, synced: true };
  const files = new Map<string, string>();
  const conditions: {
    kind: string;
    active: boolean;
    value?: number;
    detail?: string;
    quiet: boolean;
  }[] = [];
  const starts: string[] = [];
  /** The drive "back up now" sees. */
  const drive: { state: DriveState; operation: boolean } = { state: 'running', operation: false };
  const file = {
    value: state,
    /** When set, the next update lands (resolves) only once this resolves, as on a slow disk. */
    hold: null as Promise<void> | null,
    async update(change: (latest: BackupsState) => BackupsState) {
      file.value = change(file.value);
      const hold = file.hold;
      file.hold = null;
      await hold;
    },
  };
  /** Spool files whose read waits for a promise, and every name read so far. */
  const gates = new Map<string, Promise<void>>();
  const reads: string[] = [];
  let repo: SnapshotInfo[] = [];
  const make = (extra: Partial<BackupServiceOptions> = {}) =>
    new BackupService({
      config,
      state: file,
      clock: {
        wall: () => clock.wallMs,
        monotonic: () => clock.monoMs,
        synced: () => clock.synced,
      },
      spool: {
        list: async () =>
          [...files.keys()].map((name) => {
            const [id, kind] = name.split('.') as [string, 'before' | 'run'];
            return { id, kind, name, mtimeMs: 0 };
          }),
        read: async (name) => {
          reads.push(name);
          await gates.get(name);
          return files.get(name) ?? '';
        },
      },
      readNextRun: async () => clock.wallMs + 12 * HOUR,
      callHelper: async () => {
        starts.push('start');
        return { ok: true };
      },
      readUnitState: async () => (starts.length > 0 ? 'activating' : 'inactive'),
      readDrive: async () => ({ ...drive }),
      bootId: 'boot-2',
      systemMonotonicMs: () => clock.monoMs,
      alerts: {
        condition: (kind, active, subject, options) =>
          conditions.push({ kind, active, ...subject, quiet: options?.alreadyNotified === true }),
      },
      audit: { record: async () => {} },
      log: { info: () => {}, error: () => {} },
      ...extra,
    });

  /** report writes one run as report-backup would, with the repo after it. */
  const report = (
    n: number,
    outcome: { newSnapshot: boolean; exitStatus?: string; log?: string[] },
  ) => {
    const before: BeforeRecord = {
      v: 1,
      kind: 'before',
      invocationId: invocation(n),
      at: { wallMs: clock.wallMs - 600_000, bootId: 'boot-2', monoMs: clock.monoMs - 600_000 },
      snapshotIds: repo.map((s) => s.id),
      error: null,
    };
    if (outcome.newSnapshot)
      repo = [...repo, snapshot(`s${n}`.padEnd(64, '0'), clock.wallMs - 60_000)];
    const record: RunRecord = {
      v: 1,
      kind: 'run',
      invocationId: invocation(n),
      unit: 'immich-backup.service',
      before,
      at: { wallMs: clock.wallMs, bootId: 'boot-2', monoMs: clock.monoMs },
      serviceResult: outcome.exitStatus === '1' ? 'exit-code' : 'success',
      exitCode: 'exited',
      exitStatus: outcome.exitStatus ?? '0',
      snapshots: { ok: true, snapshots: repo },
      log: outcome.log ?? [],
      logError: null,
    };
    files.set(`${invocation(n)}.run.json`, JSON.stringify(record));
  };
  return { clock, files, conditions, starts, drive, file, gates, reads, make, report };
}

const idle = { unitState: 'inactive' as const, drive: 'running' as const };

function deferred() {
  let resolve = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe('BackupService', () => {
  it('judges reported runs into the history, newest first, with the repository snapshot count', async () => {
    const h = harness();
    const service = h.make();
    h.report(1, { newSnapshot: true });
    h.clock.wallMs += HOUR;
    h.report(2, { newSnapshot: false, exitStatus: '1', log: ['[ERROR] connection timed out'] });
    await service.tick(idle);
    const page = service.page(20);
    expect(page.runs.map((r) => [r.seq, r.result])).toEqual([
      [2, 'failed'],
      [1, 'succeeded'],
    ]);
    expect(page.runs[1]?.durationSeconds).toBe(600);
    expect(page.summary).toMatchObject({ lastResult: 'failed', snapshots: 1, running: null });
    expect(h.conditions).toContainEqual(
      expect.objectContaining({ kind: 'backup-failed', active: true, quiet: false }),
    );
    // Read again: nothing is added twice.
    await service.tick(idle);
    expect(service.page(20).runs).toHaveLength(2);
  });

  it('raises a failure pushed before a restart again without pushing it, and clears it on a good run', async () => {
    const h = harness();
    h.report(1, { newSnapshot: false, exitStatus: '1' });
    await h.make().tick(idle);
    expect(h.file.value.alerted.failed).toBe(true);
    h.conditions.length = 0;
    const restarted = h.make();
    await restarted.tick(idle);
    expect(h.conditions.filter((c) => c.kind === 'backup-failed')).toEqual([
      expect.objectContaining({ kind: 'backup-failed', active: true, quiet: true }),
    ]);
    h.report(2, { newSnapshot: true });
    await restarted.tick(idle);
    expect(h.conditions.at(-1)).toMatchObject({ kind: 'backup-failed', active: false });
    expect(h.file.value.alerted.failed).toBe(false);
  });

  it('shows a run under way from its before record, and closes it as interrupted after a reboot', async () => {
    const h = harness();
    const before: BeforeRecord = {
      v: 1,
      kind: 'before',
      invocationId: invocation(7),
      at: { wallMs: h.clock.wallMs, bootId: 'boot-2', monoMs: h.clock.monoMs },
      snapshotIds: [],
      error: null,
    };
    h.files.set(`${invocation(7)}.before.json`, JSON.stringify(before));
    const service = h.make();
    await service.tick({ unitState: 'activating', drive: 'running' });
    expect(service.summary().running).toEqual({ since: h.clock.wallMs });
    expect(service.page(20).runs).toEqual([]);

    h.files.set(
      `${invocation(7)}.before.json`,
      JSON.stringify({ ...before, at: { ...before.at, bootId: 'boot-1' } }),
    );
    const afterReboot = h.make();
    await afterReboot.tick(idle);
    expect(afterReboot.summary().running).toBeNull();
    expect(afterReboot.page(20).runs[0]).toMatchObject({
      id: invocation(7),
      result: 'interrupted',
    });
  });

  it('stops showing a run as going on once its report came, though the unit was still deactivating', async () => {
    const h = harness();
    const service = h.make();
    await service.tick({ unitState: 'activating', drive: 'running' });
    expect(service.summary().running).toEqual({ since: null });
    // The report is written in ExecStopPost: the state read with it still says the unit runs.
    h.report(1, { newSnapshot: true });
    await service.tick({ unitState: 'activating', drive: 'running' });
    expect(service.summary()).toMatchObject({ running: null, lastResult: 'succeeded' });
  });

  it('keeps an unreadable report as an unknown run instead of dropping it', async () => {
    const h = harness();
    h.files.set(`${invocation(3)}.run.json`, '{"v":1,"kind":"run"');
    const service = h.make();
    await service.tick(idle);
    expect(service.page(20).runs[0]).toMatchObject({ result: 'unknown', id: invocation(3) });
    expect(service.page(20).runs[0]?.reason).toMatch(/not JSON/);
    // An unknown run neither raises nor clears backup-failed.
    expect(h.conditions.filter((c) => c.kind === 'backup-failed')).toEqual([]);
  });

  it('raises backup-stale with the hours once the last good backup passes 24 h + 3 h grace', async () => {
    const h = harness();
    const service = h.make();
    h.report(1, { newSnapshot: true });
    await service.tick(idle);
    expect(h.conditions.filter((c) => c.kind === 'backup-stale')).toEqual([
      expect.objectContaining({ active: false }),
    ]);
    h.clock.wallMs += 27 * HOUR - 60_000; // the snapshot is 1 min older than the run's end
    await service.tick(idle);
    expect(h.conditions.at(-1)).toMatchObject({ kind: 'backup-stale', active: false });
    h.clock.wallMs += 2 * 60_000;
    await service.tick(idle);
    expect(h.conditions.at(-1)).toMatchObject({ kind: 'backup-stale', active: true, value: 27 });
    expect(service.summary().stale).toBe(true);
  });

  it('keeps a stale alert a tick saved while an ingest was reading the spool, so a restart does not push it again', async () => {
    const h = harness();
    // A good run recorded while the clock was never synced: nobody watched staleness yet.
    h.clock.synced = false;
    h.report(1, { newSnapshot: true });
    await h.make().tick(idle);
    expect(h.file.value.watchingSince).toBeNull();
    h.clock.wallMs += 30 * HOUR;
    h.clock.synced = true;

    const service = h.make();
    // The tick starts watching and waits for that write to land...
    const landed = deferred();
    h.file.hold = landed.promise;
    const tick = service.tick(idle);
    await vi.waitFor(() => expect(h.file.value.watchingSince).not.toBeNull());
    // ...while an ingest reads a new report and waits on a run under way.
    h.report(2, { newSnapshot: false, exitStatus: '1' });
    const before = `${invocation(3)}.before.json`;
    const beforeRead = deferred();
    h.gates.set(before, beforeRead.promise);
    h.files.set(before, '{}');
    const ingest = service.ingest();
    await vi.waitFor(() => expect(h.reads).toContain(before));
    // The tick goes on: the last good backup is 30 h old, so backup-stale is raised and saved.
    landed.resolve();
    await tick;
    expect(h.conditions.at(-1)).toMatchObject({ kind: 'backup-stale', active: true, quiet: false });
    beforeRead.resolve();
    await ingest;
    expect(h.file.value.runs).toHaveLength(2);
    expect(h.file.value.alerted.stale).toBe(true);

    h.conditions.length = 0;
    await h.make().tick(idle);
    expect(h.conditions.filter((c) => c.kind === 'backup-stale')).toEqual([
      expect.objectContaining({ active: true, quiet: true }),
    ]);
  });

  it('does not judge staleness on an unsynced clock', async () => {
    const h = harness();
    h.clock.synced = false;
    const service = h.make();
    await service.tick(idle);
    expect(h.conditions).toEqual([]);
    expect(h.file.value.watchingSince).toBeNull();
  });

  it('catches up a missed daily run after unlock, not a recent one', async () => {
    const h = harness();
    const service = h.make();
    h.report(1, { newSnapshot: true });
    await service.tick(idle);
    h.clock.wallMs += 2 * HOUR;
    expect(await service.catchUp()).toBe(false);
    h.clock.wallMs += 23 * HOUR;
    expect(await service.catchUp()).toBe(true);
    expect(h.starts).toHaveLength(1);
    // Now one runs: a second unlock does not start another.
    expect(await service.catchUp()).toBe(false);
  });

  it('reads the timer again the given delay after a start, since the start moves its next run', async () => {
    const h = harness();
    let nextAt = h.clock.wallMs + 12 * HOUR;
    const service = h.make({ readNextRun: async () => nextAt, timerRefreshDelayMs: 0 });
    await service.tick(idle);
    expect(service.summary().nextAt).toBe(h.clock.wallMs + 12 * HOUR);
    nextAt = h.clock.wallMs + 24 * HOUR;
    await service.startNow('phone');
    await vi.waitFor(() => expect(service.summary().nextAt).toBe(h.clock.wallMs + 24 * HOUR));
  });

  it('logs a timer that cannot be read once per problem, and shows its next run as unknown', async () => {
    const h = harness();
    const errors: string[] = [];
    let problem = 'systemctl timed out';
    const service = h.make({
      readNextRun: async () => {
        throw new Error(problem);
      },
      log: {
        info: () => {},
        error: (message, error) => errors.push(`${message}: ${(error as Error).message}`),
      },
    });
    await service.refreshTimer();
    await service.refreshTimer();
    expect(service.summary().nextAt).toBeNull();
    problem = 'systemctl exited 1';
    await service.refreshTimer();
    expect(errors).toEqual([
      'cannot read the backup timer: systemctl timed out',
      'cannot read the backup timer: systemctl exited 1',
    ]);
  });

  it('refuses back up now while locked, during an operation, and while one runs', async () => {
    const h = harness();
    const service = h.make();
    const driveIs = (state: DriveState, operation: boolean) =>
      Object.assign(h.drive, { state, operation });
    driveIs('locked', false);
    await expect(service.startNow('phone')).rejects.toMatchObject({
      code: 'backup-drive-locked',
    });
    driveIs('missing', false);
    await expect(service.startNow('phone')).rejects.toMatchObject({
      code: 'drive-missing',
    });
    driveIs('running', true);
    await expect(service.startNow('phone')).rejects.toMatchObject({
      code: 'operation-in-progress',
    });
    driveIs('running', false);
    expect(await service.startNow('phone')).toBe(h.clock.wallMs);
    await expect(service.startNow('phone')).rejects.toMatchObject({
      code: 'backup-running',
    });
    expect(h.starts).toHaveLength(1);
  });

  describe('keeping the nightly time a manual start moved', () => {
    /** A timer that counts from the last start (OnUnitActiveSec=1d), on the harness's clock. */
    function relativeTimer(h: ReturnType<typeof harness>) {
      const timer = {
        nextAt: h.clock.wallMs + 12 * HOUR,
        unit: 'inactive' as 'inactive' | 'activating',
      };
      const options: Partial<BackupServiceOptions> = {
        readNextRun: async () => timer.nextAt,
        timerRefreshDelayMs: 0,
        readUnitState: async () => timer.unit,
        callHelper: async () => {
          h.starts.push('start');
          timer.nextAt = h.clock.wallMs + 24 * HOUR;
          return { ok: true };
        },
      };
      return { timer, options };
    }

    it('keeps it across a restart, starts the run then, and the timer is back on its time', async () => {
      const h = harness();
      const { timer, options } = relativeTimer(h);
      const audit: string[] = [];
      const service = h.make({
        ...options,
        audit: { record: async (kind) => void audit.push(kind) },
      });
      await service.tick(idle);
      const nightly = h.clock.wallMs + 12 * HOUR;
      await service.startNow('phone');
      await vi.waitFor(() => expect(service.summary().nextAt).toBe(h.clock.wallMs + 24 * HOUR));

      expect(await service.keepSchedule('phone')).toBe(nightly);
      expect(service.summary().nextAt).toBe(nightly);
      expect(h.file.value.keptAt).toBe(nightly);
      expect(audit).toEqual(['backup-started', 'backup-schedule-kept']);

      // The agent restarts; the kept time is in backups.json.
      const restarted = h.make(options);
      await restarted.tick(idle);
      expect(restarted.summary().nextAt).toBe(nightly);
      h.clock.wallMs = nightly - 60_000;
      h.clock.monoMs += 12 * HOUR;
      await restarted.tick(idle);
      expect(h.starts).toHaveLength(1);

      h.clock.wallMs = nightly + 30_000;
      await restarted.tick(idle);
      expect(h.starts).toHaveLength(2);
      expect(h.file.value.keptAt).toBeNull();
      // The start re-anchored the timer on the nightly time, a day on.
      await vi.waitFor(() => expect(restarted.summary().nextAt).toBe(nightly + 30_000 + 24 * HOUR));
      expect(timer.nextAt).toBe(nightly + 30_000 + 24 * HOUR);
    });

    it('refuses to keep a time nothing moved: before any start, and on a calendar timer', async () => {
      const h = harness();
      const { timer, options } = relativeTimer(h);
      const service = h.make(options);
      await service.tick(idle);
      await expect(service.keepSchedule('phone')).rejects.toMatchObject({
        code: 'backup-schedule-not-moved',
      });
      const calendar = h.make({
        ...options,
        callHelper: async () => {
          h.starts.push('start');
          timer.nextAt += 20 * 60_000; // RandomizedDelaySec: not a move
          return { ok: true };
        },
      });
      await calendar.tick(idle);
      await calendar.startNow('phone');
      await vi.waitFor(() => expect(calendar.summary().nextAt).toBe(timer.nextAt));
      await expect(calendar.keepSchedule('phone')).rejects.toMatchObject({
        code: 'backup-schedule-not-moved',
      });
      expect(h.file.value.keptAt ?? null).toBeNull();
    });

    it('drops a kept time the Pi was off for, and one the drive is locked at, without a start', async () => {
      const h = harness();
      const { options } = relativeTimer(h);
      const errors: string[] = [];
      h.file.value = { ...h.file.value, keptAt: h.clock.wallMs - 2 * HOUR };
      const service = h.make({ ...options, log: { info: () => {}, error: (m) => errors.push(m) } });
      await service.tick(idle);
      expect(h.file.value.keptAt).toBeNull();

      h.file.value = { ...h.file.value, keptAt: h.clock.wallMs - 60_000 };
      h.drive.state = 'locked';
      await service.tick({ ...idle, drive: 'locked' });
      expect(h.file.value.keptAt).toBeNull();
      expect(h.starts).toEqual([]);
      expect(errors).toEqual(['cannot start the backup at the kept time']);
    });
  });
});
