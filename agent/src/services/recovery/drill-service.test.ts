// The drill service on a pinned clock with an in-memory spool: records into the history, bad
// records, a drill killed without a record, the restore-test alerts across restarts, the start.
import { describe, expect, it } from 'vitest';
import type { DriveState } from '../../../../shared/status.ts';
import { parseConfig } from '../../config.ts';
import type { DrillRecord } from '../../domain/recovery/drill-record.ts';
import type { ApiError } from '../../errors.ts';
import { DrillService } from './drill-service.ts';
import { type DrillsState, emptyDrills } from './drills-state.ts';

const DAY = 24 * 3600_000;
const config = parseConfig({}).recovery;
const invocation = (n: number) => n.toString(16).padStart(32, '0');

function record(n: number, wallMs: number, extra: Partial<DrillRecord> = {}): DrillRecord {
  const at = { wallMs, bootId: 'b', monoMs: wallMs };
  return {
    v: 1,
    kind: 'drill',
    invocationId: invocation(n),
    startedAt: { ...at, wallMs: wallMs - 60_000 },
    at,
    result: 'passed',
    reason: null,
    snapshot: { id: 'f3a2'.repeat(16), timeMs: wallMs - DAY },
    check: { ok: true, readDataSubset: '5%', problem: null },
    files: { checked: 20, matched: 20, mismatches: [] },
    dump: {
      name: 'immich-db-backup-1.sql.gz',
      mtimeMs: wallMs - DAY,
      bytes: 4096,
      ok: true,
      problem: null,
    },
    scratchRemoved: true,
    ...extra,
  };
}

function harness(state: DrillsState = emptyDrills()) {
  const clock = { wallMs: 1_764_000_000_000, monoMs: 1_000_000, synced: true };
  const files = new Map<string, string>();
  const conditions: {
    kind: string;
    active: boolean;
    detail?: string;
    value?: number;
    quiet: boolean;
  }[] = [];
  const starts: number[] = [];
  const drive: { state: DriveState; operation: boolean } = { state: 'running', operation: false };
  const backup = { running: false };
  const file = {
    value: state,
    async update(change: (latest: DrillsState) => DrillsState) {
      file.value = change(file.value);
    },
  };
  const make = () =>
    new DrillService({
      config,
      state: file,
      clock: {
        wall: () => clock.wallMs,
        monotonic: () => clock.monoMs,
        synced: () => clock.synced,
      },
      spool: {
        list: async () => [...files.keys(), 'notes.txt'],
        read: async (name) => files.get(name) ?? '',
      },
      startUnit: async () => {
        starts.push(clock.wallMs);
        return { ok: true };
      },
      readDrive: async () => drive,
      backupRunning: () => backup.running,
      alerts: {
        condition: (kind, active, subject, options) =>
          conditions.push({ kind, active, ...subject, quiet: options?.alreadyNotified === true }),
      },
      audit: { record: async () => {} },
      log: { info: () => {}, error: () => {} },
    });
  const put = (r: DrillRecord) => files.set(`${r.invocationId}.drill.json`, JSON.stringify(r));
  return { clock, files, conditions, starts, drive, backup, file, make, put };
}

describe('the drill service', () => {
  it('adds each record once, newest last, and clears restore-test-failed on a pass', async () => {
    const h = harness();
    const drills = h.make();
    h.put(
      record(1, h.clock.wallMs - 1000, {
        result: 'failed',
        reason: 'a file differed',
        files: {
          checked: 20,
          matched: 19,
          mismatches: [
            { path: '/mnt/immich_drive/immich_data/library/a.jpg', problem: 'its contents differ' },
          ],
        },
      }),
    );
    await drills.tick('inactive');
    await drills.tick('inactive');
    expect(h.file.value.drills.map((d) => [d.result, d.filesMatched])).toEqual([['failed', 19]]);
    expect(h.conditions.find((c) => c.kind === 'restore-test-failed')).toMatchObject({
      active: true,
      detail:
        '/mnt/immich_drive/immich_data/library/a.jpg did not come back intact (its contents differ)',
    });
    h.put(record(2, h.clock.wallMs));
    await drills.tick('inactive');
    expect(h.file.value.drills.map((d) => d.result)).toEqual(['failed', 'passed']);
    expect(h.conditions.filter((c) => c.kind === 'restore-test-failed').at(-1)).toMatchObject({
      active: false,
    });
    expect(drills.lastPassedAt()).toBe(h.clock.wallMs);
  });

  it('keeps an unreadable or foreign record as an error that proves nothing', async () => {
    const h = harness();
    h.files.set(`${invocation(7)}.drill.json`, '{"v":1,"kind":"dri');
    h.files.set(`${invocation(8)}.drill.json`, JSON.stringify(record(9, h.clock.wallMs)));
    h.files.set(`${invocation(9)}.drill.json`, JSON.stringify({ v: 1, kind: 'drill' }));
    await h.make().tick('inactive');
    expect(h.file.value.drills.map((d) => [d.id, d.result, d.reason])).toEqual([
      [invocation(7), 'error', 'Its report is not JSON (cut short?).'],
      [invocation(8), 'error', 'Its report names another drill.'],
      [invocation(9), 'error', expect.stringContaining('not as the verify program writes it')],
    ]);
  });

  it('records a drill whose unit ended without a record, two minutes on', async () => {
    const h = harness();
    const drills = h.make();
    await drills.tick('activating');
    expect(drills.running()).toEqual({ since: h.clock.wallMs });
    const since = h.clock.wallMs;
    h.clock.monoMs += 10_000;
    await drills.tick('failed');
    expect(drills.running()).toBeNull();
    expect(h.file.value.drills).toEqual([]);
    h.clock.monoMs += 121_000;
    h.clock.wallMs += 131_000;
    await drills.tick('failed');
    expect(h.file.value.drills).toMatchObject([
      {
        id: `unreported-${since}`,
        result: 'error',
        startedAt: since,
        reason: expect.stringContaining('without a report'),
      },
    ]);
  });

  it('raises restore-test-overdue past drillOverdueDays without a pass, and not twice after a restart', async () => {
    const h = harness();
    h.put(record(1, h.clock.wallMs));
    await h.make().tick('inactive');
    expect(h.conditions.filter((c) => c.kind === 'restore-test-overdue')).toEqual([
      { kind: 'restore-test-overdue', active: false, value: 0, quiet: false },
    ]);
    h.clock.wallMs += (config.drillOverdueDays + 1) * DAY;
    const again = h.make();
    await again.tick('inactive');
    expect(h.conditions.at(-1)).toEqual({
      kind: 'restore-test-overdue',
      active: true,
      value: 41,
      quiet: false,
    });
    expect(h.file.value.alerted.overdue).toBe(true);
    expect(again.overdue).toBe(true);
    h.conditions.length = 0;
    await h.make().tick('inactive');
    expect(h.conditions.find((c) => c.kind === 'restore-test-overdue')).toMatchObject({
      active: true,
      quiet: true,
    });
  });

  it('waits for a synced clock before calling anything overdue', async () => {
    const h = harness();
    h.clock.synced = false;
    await h.make().tick('inactive');
    expect(h.conditions).toEqual([]);
    expect(h.file.value.watchingSince).toBeNull();
  });

  it('starts a drill only on an unlocked drive with no backup or drill running', async () => {
    const h = harness();
    const drills = h.make();
    const refused = async () =>
      drills.startNow('dev').then(
        () => null,
        (error: ApiError) => error.code,
      );
    h.drive.state = 'locked';
    expect(await refused()).toBe('backup-drive-locked');
    h.drive.state = 'missing';
    expect(await refused()).toBe('drive-missing');
    h.drive.state = 'running';
    h.drive.operation = true;
    expect(await refused()).toBe('operation-in-progress');
    h.drive.operation = false;
    h.backup.running = true;
    expect(await refused()).toBe('backup-running');
    h.backup.running = false;
    expect(h.starts).toEqual([]);
    expect(await drills.startNow('dev')).toBe(h.clock.wallMs);
    expect(drills.running()).toEqual({ since: h.clock.wallMs });
    expect(await refused()).toBe('restore-test-running');
    expect(h.starts).toHaveLength(1);
    h.clock.monoMs += 20_000;
    expect(drills.running()).toBeNull();
  });
});
