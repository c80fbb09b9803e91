// Backups (ARCHITECTURE §11) on the wire: run history, its first-page chart, one run's detail,
// and the summary Home shows. Both the agent and the PWA validate against these schemas.
import * as v from 'valibot';
import { BackupResult, BackupSummary } from './backup-summary.ts';
import { Recovery } from './recovery.ts';

export {
  BACKUP_RESULTS,
  BackupResult,
  BackupSummary,
  goodResult,
} from './backup-summary.ts';

/** BACKUP_FLAGS mark a run that made a snapshot but looks wrong. */
export const BACKUP_FLAGS = ['file-count-collapsed'] as const;
export const BackupFlag = v.picklist(BACKUP_FLAGS);
export type BackupFlag = v.InferOutput<typeof BackupFlag>;

const Count = v.nullable(v.number());

/** BackupRunSummary is one row of the history list: no log lines, so a page stays small. */
export const BackupRunSummary = v.object({
  /** systemd's INVOCATION_ID of the run (32 hex digits). */
  id: v.string(),
  /** Ingest order: newest runs have the highest numbers; the list's cursor. */
  seq: v.number(),
  /** Wall ms on the Pi; null when the start was not recorded. */
  startedAt: v.nullable(v.number()),
  endedAt: v.number(),
  /** Measured on the monotonic clock, so a clock jump mid-run cannot distort it; null when unknown. */
  durationSeconds: v.nullable(v.number()),
  result: BackupResult,
  /** Plain words why, for every result but a clean success: system text, render as text. */
  reason: v.nullable(v.string()),
  flags: v.array(BackupFlag),
  snapshotId: v.nullable(v.string()),
  filesNew: Count,
  filesChanged: Count,
  filesProcessed: Count,
  bytesAdded: Count,
  /** Made up by the sandbox Pi for `npm start`, not by a real backup. */
  demo: v.optional(v.boolean(), false),
});
export type BackupRunSummary = v.InferOutput<typeof BackupRunSummary>;

/** BackupRun is one run in full: how systemd saw it end, and its last journal lines. */
export const BackupRun = v.object({
  ...BackupRunSummary.entries,
  /** systemd's SERVICE_RESULT, EXIT_CODE and EXIT_STATUS as the unit ended; null when unset. */
  exit: v.object({
    serviceResult: v.nullable(v.string()),
    exitCode: v.nullable(v.string()),
    exitStatus: v.nullable(v.string()),
  }),
  /** The run's last journal lines (at most 50), oldest first. */
  log: v.array(v.string()),
});
export type BackupRun = v.InferOutput<typeof BackupRun>;

/** One chart point per run: bytes added and duration. */
export const BackupChartPoint = v.object({
  at: v.number(),
  bytesAdded: Count,
  durationSeconds: v.nullable(v.number()),
  result: BackupResult,
});
export type BackupChartPoint = v.InferOutput<typeof BackupChartPoint>;

/** GET /backups?limit&before: newest first; the first page (no `before`) also has the chart. */
export const BackupsQuery = v.object({
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,3}$/, 'must be a number'),
      v.transform(Number),
      v.minValue(1),
      v.maxValue(100),
    ),
    '20',
  ),
  /** The `next` of the page before: runs with a lower seq. */
  before: v.optional(
    v.pipe(v.string(), v.regex(/^\d{1,15}$/, 'must be a cursor'), v.transform(Number)),
  ),
});

export const BackupsResponse = v.object({
  summary: BackupSummary,
  runs: v.array(BackupRunSummary),
  /** Pass as `before` for the next page; null on the last. */
  next: v.nullable(v.string()),
  /** The first page only: one point per run of the last chartDays days, oldest first. */
  chart: v.nullable(v.array(BackupChartPoint)),
  /** Restore drills, the database dump watch (recovery.ts); absent from an older agent. */
  recovery: v.optional(v.nullable(Recovery), null),
});
export type BackupsResponse = v.InferOutput<typeof BackupsResponse>;

export const BackupRunResponse = v.object({ run: BackupRun });
export type BackupRunResponse = v.InferOutput<typeof BackupRunResponse>;

/** POST /backups answers 202: the unit was asked to start; follow it in the summary. */
export const BackupStartedResponse = v.object({ started: v.literal(true), at: v.number() });
export type BackupStartedResponse = v.InferOutput<typeof BackupStartedResponse>;

/**
 * How far a manual start must move the timer's next run to count as moved: a timer that counts
 * from the last run (the seed's OnUnitActiveSec) moves by a day's worth; less is the random delay
 * of a calendar timer (the module's RandomizedDelaySec), which is not a move.
 */
export const SCHEDULE_MOVED_MS = 60 * 60_000;

/** POST /backups/keep-schedule: the nightly time kept, wall ms. */
export const BackupKeptResponse = v.object({ keptAt: v.number() });
export type BackupKeptResponse = v.InferOutput<typeof BackupKeptResponse>;

/** How many days of runs the first page's chart covers. */
export const BACKUP_CHART_DAYS = 42;
