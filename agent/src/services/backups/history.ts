// backups.json: the judged runs, the repository's snapshot ids at the last report, and which
// backup alerts were pushed (so a restart does not push them again). Pages are cut from it here.
import * as v from 'valibot';
import {
  BACKUP_CHART_DAYS,
  type BackupChartPoint,
  BackupRun,
  type BackupRunSummary,
  goodResult,
} from '../../../../shared/backups.ts';

export const BackupsState = v.object({
  /** When the agent first watched backups with a synced clock: staleness counts from here at worst. */
  watchingSince: v.nullable(v.number()),
  /** The seq of the newest run. */
  seq: v.number(),
  /** Oldest first, bounded by backup.historyLimit. */
  runs: v.pipe(v.array(BackupRun), v.maxLength(10_000)),
  /** The snapshot ids at the last readable report, and the newest snapshot's time. */
  snapshots: v.nullable(
    v.object({
      ids: v.array(v.string()),
      newestAt: v.nullable(v.number()),
      newestId: v.nullable(v.string()),
      /** The newest snapshot's paths (the dump watch's question); absent in older files. */
      newestPaths: v.optional(v.array(v.string())),
    }),
  ),
  /** Whether backup-failed and backup-stale were pushed and not yet cleared. */
  alerted: v.object({ failed: v.boolean(), stale: v.boolean() }),
  /** The nightly time a manual start moved, kept from the app: the agent starts a run then. */
  keptAt: v.optional(v.nullable(v.number())),
});
export type BackupsState = v.InferOutput<typeof BackupsState>;

/** emptyBackups is backups.json before any run was reported. */
export const emptyBackups = (): BackupsState => ({
  watchingSince: null,
  seq: 0,
  runs: [],
  snapshots: null,
  alerted: { failed: false, stale: false },
});

/** summaryOf drops what only the run detail shows. */
export function summaryOf(run: BackupRun): BackupRunSummary {
  const { exit: _exit, log: _log, ...summary } = run;
  return summary;
}

/** pageOf answers up to `limit` runs older than seq `before` (all when absent), newest first. */
export function pageOf(
  runs: readonly BackupRun[],
  limit: number,
  before?: number,
): { runs: BackupRunSummary[]; next: string | null } {
  const page: BackupRunSummary[] = [];
  let i = runs.length - 1;
  if (before !== undefined) while (i >= 0 && (runs[i] as BackupRun).seq >= before) i--;
  for (; i >= 0 && page.length < limit; i--) page.push(summaryOf(runs[i] as BackupRun));
  const last = page.at(-1);
  return { runs: page, next: i >= 0 && last ? String(last.seq) : null };
}

/** chartOf answers one point per run that ended in the chart's last days, oldest first. */
export function chartOf(runs: readonly BackupRun[], nowWall: number): BackupChartPoint[] {
  const since = nowWall - BACKUP_CHART_DAYS * 24 * 3600_000;
  return runs
    .filter((run) => run.endedAt >= since)
    .map((run) => ({
      at: run.startedAt ?? run.endedAt,
      bytesAdded: run.bytesAdded,
      durationSeconds: run.durationSeconds,
      result: run.result,
    }));
}

/** lastGood answers the newest good backup: a good run's end or the repository's newest snapshot. */
export function lastGood(state: BackupsState): { at: number; snapshotId: string | null } | null {
  const run = state.runs.findLast((r) => goodResult(r.result));
  const fromRun = run ? { at: run.endedAt, snapshotId: run.snapshotId } : null;
  const { newestAt, newestId } = state.snapshots ?? { newestAt: null, newestId: null };
  const fromRepo = newestAt === null ? null : { at: newestAt, snapshotId: newestId };
  if (!fromRun) return fromRepo;
  if (!fromRepo) return fromRun;
  return fromRepo.at > fromRun.at ? fromRepo : fromRun;
}
