// What Home needs of backups (in status): the results and the summary. Apart from the history's
// schemas in backups.ts, so the app's first load carries only these (ARCHITECTURE §12's budget).
import * as v from 'valibot';

/**
 * BACKUP_RESULTS: what a run really did. Only `succeeded` and `partial` made a snapshot;
 * `interrupted` is rustic's exit 0 after a stop signal, without one; `unknown` is a run whose
 * report could not tell (unreadable, or the snapshot list could not be read).
 */
export const BACKUP_RESULTS = ['succeeded', 'partial', 'failed', 'interrupted', 'unknown'] as const;
export const BackupResult = v.picklist(BACKUP_RESULTS);
export type BackupResult = v.InferOutput<typeof BackupResult>;

/** goodResult tells whether a run made a snapshot (a partial one skipped some files). */
export const goodResult = (result: BackupResult) => result === 'succeeded' || result === 'partial';

/** BackupSummary is the one glance Home and the Backups screen start from. */
export const BackupSummary = v.object({
  /** The newest good backup: a good run's end, or the newest snapshot in the repository. */
  lastGoodAt: v.nullable(v.number()),
  lastGoodSnapshotId: v.nullable(v.string()),
  /** The newest run's result, null before any run was recorded. */
  lastResult: v.nullable(BackupResult),
  /** The timer's next run (wall ms), null when not scheduled or not known. */
  nextAt: v.nullable(v.number()),
  /** The run going on now, null when none; `since` is null when its start was not recorded. */
  running: v.nullable(v.object({ since: v.nullable(v.number()) })),
  /** Whether backup-stale is raised: no good backup for staleHours + graceHours. */
  stale: v.boolean(),
  /** Snapshots in the repository at the last report, null before any. */
  snapshots: v.nullable(v.number()),
  /** Whether the history holds demo data from the sandbox Pi. */
  demo: v.boolean(),
  /**
   * The most urgent recovery alert standing (ARCHITECTURE §17), null when none: Home's backup
   * tile warns with it. An older agent sends none.
   */
  recoveryIssue: v.optional(
    v.nullable(
      v.picklist([
        'drive-health-failing',
        'restore-test-failed',
        'db-dump-stale',
        'drive-sectors-growing',
        'restore-test-overdue',
      ]),
    ),
    null,
  ),
});
export type BackupSummary = v.InferOutput<typeof BackupSummary>;
