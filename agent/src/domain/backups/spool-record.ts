// The spool records `immich-pi-agent report-backup` writes as root inside the backup unit and the
// agent reads (ARCHITECTURE §11): raw facts only. The agent judges them (judge-run.ts), so a
// better rule applies to old records too.
import * as v from 'valibot';

/** SnapshotInfo is one rustic snapshot as we keep it: its id, time and the summary we show. */
export const SnapshotInfo = v.object({
  id: v.string(),
  /** The snapshot's own time as rustic wrote it (RFC 3339 with nanoseconds). */
  time: v.string(),
  /** The same time in ms, null when it does not parse. */
  timeMs: v.nullable(v.number()),
  filesNew: v.nullable(v.number()),
  filesChanged: v.nullable(v.number()),
  filesProcessed: v.nullable(v.number()),
  bytesAdded: v.nullable(v.number()),
  bytesProcessed: v.nullable(v.number()),
  /**
   * The paths the snapshot backed up, as rustic lists them (absolute paths on the Pi). Optional:
   * records written before it was kept have none. The dump watch checks the dumps are among them.
   */
  paths: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(4096))), v.maxLength(100))),
});
export type SnapshotInfo = v.InferOutput<typeof SnapshotInfo>;

/** SnapshotListing is `rustic snapshots --json` read: the snapshots, or why they are unknown. */
export const SnapshotListing = v.variant('ok', [
  v.object({ ok: v.literal(true), snapshots: v.array(SnapshotInfo) }),
  v.object({ ok: v.literal(false), error: v.string() }),
]);
export type SnapshotListing = v.InferOutput<typeof SnapshotListing>;

/** A point in time as both clocks saw it: wall for display, monotonic (with its boot) for spans. */
export const Moment = v.object({
  wallMs: v.number(),
  bootId: v.string(),
  /** CLOCK_MONOTONIC in ms, comparable only within one boot. */
  monoMs: v.number(),
});
export type Moment = v.InferOutput<typeof Moment>;

/** INVOCATION_ID: 32 hex digits; also the record's file name, so nothing else is allowed. */
export const InvocationId = v.pipe(
  v.string(),
  v.regex(/^[0-9a-f]{32}$/, 'must be an invocation id'),
);

/** `<id>.before.json`, by ExecStartPre: the snapshot ids present when the run began. */
export const BeforeRecord = v.object({
  v: v.literal(1),
  kind: v.literal('before'),
  invocationId: InvocationId,
  at: Moment,
  /** The ids present before the run, or null with the error when rustic could not list them. */
  snapshotIds: v.nullable(v.array(v.string())),
  error: v.nullable(v.string()),
});
export type BeforeRecord = v.InferOutput<typeof BeforeRecord>;

/** `<id>.run.json`, by ExecStopPost: how the unit ended, the snapshots after it and its log. */
export const RunRecord = v.object({
  v: v.literal(1),
  kind: v.literal('run'),
  invocationId: InvocationId,
  unit: v.string(),
  /** The before record of the same invocation, when there was one. */
  before: v.nullable(BeforeRecord),
  at: Moment,
  serviceResult: v.nullable(v.string()),
  exitCode: v.nullable(v.string()),
  exitStatus: v.nullable(v.string()),
  snapshots: SnapshotListing,
  /** The run's last journal lines, oldest first. */
  log: v.array(v.string()),
  /** Why the log is missing or short, when journalctl failed. */
  logError: v.nullable(v.string()),
  /** Made up by the sandbox Pi (`npm start`'s seeded history). */
  demo: v.optional(v.boolean()),
});
export type RunRecord = v.InferOutput<typeof RunRecord>;

/** LOG_LINES is how many journal lines a run keeps; LOG_LINE_CHARS cuts each one. */
export const LOG_LINES = 50;
export const LOG_LINE_CHARS = 400;
