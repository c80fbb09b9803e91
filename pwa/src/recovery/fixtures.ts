// Recovery states for the PWA's unit tests, parsed through the wire schemas so a contract change
// shows here first.
import * as v from 'valibot';
import {
  type Drill,
  Drill as DrillSchema,
  DriveHealth,
  type DumpStatus,
  Recovery,
} from '../../../shared/recovery.ts';

export const DAY = 86_400_000;
/** NOW is the pinned agent clock the tests draw at: 2026-12-13 12:00 UTC. */
export const NOW = Date.UTC(2026, 11, 13, 12);

/** drill is a drill that passed 12 days before NOW, from snapshot 3f2a…, with the dump of Dec 1. */
export function drill(parts: Partial<Drill> = {}): Drill {
  return v.parse(DrillSchema, {
    id: '0123456789abcdef0123456789abcdef',
    startedAt: NOW - 12 * DAY - 300_000,
    endedAt: NOW - 12 * DAY,
    result: 'passed',
    reason: null,
    snapshotId: '3f2a1b9c8d7e6f50',
    snapshotAt: NOW - 12 * DAY - 3_600_000,
    filesChecked: 20,
    filesMatched: 20,
    mismatches: [],
    dump: {
      name: 'immich-db-backup-20261201T020000.sql.gz',
      at: Date.UTC(2026, 11, 1, 12),
      bytes: 48_000_000,
      ok: true,
      problem: null,
    },
    check: { at: NOW - 12 * DAY - 200_000, ok: true, readDataSubset: '5%', problem: null },
    ...parts,
  });
}

/** dump is the dump watch seeing a fresh 48 MB dump, 6 hours old, in the last snapshot. */
export function dump(parts: Partial<DumpStatus> = {}): DumpStatus {
  return {
    newest: { name: 'immich-db-backup-1.sql.gz', at: NOW - 6 * 3_600_000, bytes: 48_000_000 },
    checkedAt: NOW - 60_000,
    stale: false,
    inSnapshot: true,
    maxAgeHours: 48,
    problem: null,
    ...parts,
  };
}

/** recovery is all well: the drill above last and alone, the next one in 18 days. */
export function recovery(parts: Partial<Recovery> = {}): Recovery {
  const last = parts.lastDrill === undefined ? drill() : parts.lastDrill;
  return v.parse(Recovery, {
    lastDrill: last,
    lastPassedAt: last?.result === 'passed' ? last.endedAt : null,
    overdue: false,
    nextAt: NOW + 18 * DAY,
    running: null,
    dump: dump(),
    drills: last ? [last] : [],
    ...parts,
  });
}

/** health is a healthy ATA disk read an hour before NOW. */
export function health(parts: Partial<DriveHealth> = {}): DriveHealth {
  return v.parse(DriveHealth, {
    state: 'ok',
    readAt: NOW - 3_600_000,
    model: 'Samsung SSD 870 EVO 1TB',
    protocol: 'ata',
    passed: true,
    powerOnHours: 12_345,
    temperatureC: 34,
    reallocatedSectors: 0,
    pendingSectors: 0,
    offlineUncorrectable: 0,
    reportedUncorrectable: 0,
    percentUsed: null,
    mediaErrors: null,
    problem: null,
    ...parts,
  });
}
