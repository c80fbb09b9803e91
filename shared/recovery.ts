// Recoverability (ARCHITECTURE §17) on the wire: restore drills, the newest Immich database dump
// and the drive's SMART health. GET /backups carries `recovery`, GET /status `drive.health`.
import * as v from 'valibot';

/**
 * DRILL_RESULTS: `passed` only when every sampled file and the dump came back intact and the
 * repository check found nothing; `failed` when something came back wrong (a mismatch, a bad
 * dump, check errors); `error` when the drill could not finish (rustic unreachable, no room,
 * the drive locked, a timeout, killed), which proves nothing either way.
 */
export const DRILL_RESULTS = ['passed', 'failed', 'error'] as const;
export const DrillResult = v.picklist(DRILL_RESULTS);
export type DrillResult = v.InferOutput<typeof DrillResult>;

/** A sampled file that did not come back as it is on the drive. */
export const DrillMismatch = v.object({
  /** The file's path on the drive (system text: render as text). */
  path: v.string(),
  /** What differed, in plain words: "its contents differ", "it was not restored". */
  problem: v.string(),
});
export type DrillMismatch = v.InferOutput<typeof DrillMismatch>;

/** The database dump a drill restored and checked. */
export const DrillDump = v.object({
  name: v.string(),
  /** The dump's modification time (wall ms) and size as the snapshot holds them. */
  at: v.nullable(v.number()),
  bytes: v.nullable(v.number()),
  ok: v.boolean(),
  /** Why it is not a good dump, null when ok: "it is not gzip", "it is cut short". */
  problem: v.nullable(v.string()),
});
export type DrillDump = v.InferOutput<typeof DrillDump>;

/** The repository check (`rustic check` with a read-data subset) a drill ran first. */
export const RepoCheck = v.object({
  at: v.number(),
  ok: v.boolean(),
  /** The share of the packs read back, as passed to rustic ("5%"). */
  readDataSubset: v.string(),
  problem: v.nullable(v.string()),
});
export type RepoCheck = v.InferOutput<typeof RepoCheck>;

/** One restore drill, as the history keeps it. */
export const Drill = v.object({
  /** systemd's INVOCATION_ID of the verify unit's run (32 hex digits). */
  id: v.string(),
  startedAt: v.nullable(v.number()),
  endedAt: v.number(),
  result: DrillResult,
  /** Plain words why, for every result but a pass: system text, render as text. */
  reason: v.nullable(v.string()),
  snapshotId: v.nullable(v.string()),
  /** The snapshot's own time (wall ms), null when unknown. */
  snapshotAt: v.nullable(v.number()),
  /** Files sampled and restored, and how many of them matched the drive. */
  filesChecked: v.number(),
  filesMatched: v.number(),
  /** At most 20, the first found. */
  mismatches: v.array(DrillMismatch),
  dump: v.nullable(DrillDump),
  check: v.nullable(RepoCheck),
  /** Made up by the sandbox Pi for `npm start`. */
  demo: v.optional(v.boolean(), false),
});
export type Drill = v.InferOutput<typeof Drill>;

/** The newest `immich-db-backup-*.sql.gz` in the drive's immich_data/backups/. */
export const DumpInfo = v.object({
  name: v.string(),
  /** Modification time, wall ms. */
  at: v.number(),
  bytes: v.number(),
});
export type DumpInfo = v.InferOutput<typeof DumpInfo>;

/** DumpStatus is the dump watch's view: the newest dump and whether backups would carry it. */
export const DumpStatus = v.object({
  /** null when none was found (or none could be listed: see problem). */
  newest: v.nullable(DumpInfo),
  /** When the directory was last read (wall ms), null before the first look (drive locked). */
  checkedAt: v.nullable(v.number()),
  /** Whether db-dump-stale is raised: no dump newer than dumpMaxAgeHours, or not backed up. */
  stale: v.boolean(),
  /** Whether the newest snapshot's paths include the dumps directory; null before a snapshot. */
  inSnapshot: v.nullable(v.boolean()),
  maxAgeHours: v.number(),
  /** Why the dumps could not be listed, in plain words; null when they could. */
  problem: v.nullable(v.string()),
});
export type DumpStatus = v.InferOutput<typeof DumpStatus>;

/** GET /backups' `recovery`: the last drill, the dump watch and the drill history. */
export const Recovery = v.object({
  lastDrill: v.nullable(Drill),
  /** The last drill that passed, when the last one did not (the card says since when). */
  lastPassedAt: v.nullable(v.number()),
  /** Whether restore-test-overdue is raised: no passed drill for drillOverdueDays. */
  overdue: v.boolean(),
  /** The verify timer's next run (wall ms), null when unknown. */
  nextAt: v.nullable(v.number()),
  /** The drill going on now, null when none. */
  running: v.nullable(v.object({ since: v.nullable(v.number()) })),
  dump: DumpStatus,
  /** The newest drills, newest first (at most 10; the rest stay in the Pi's history). */
  drills: v.array(Drill),
});
export type Recovery = v.InferOutput<typeof Recovery>;

/** POST /backups/restore-tests answers 202: the verify unit was asked to start. */
export const DrillStartedResponse = v.object({ started: v.literal(true), at: v.number() });
export type DrillStartedResponse = v.InferOutput<typeof DrillStartedResponse>;

/**
 * DRIVE_HEALTH_STATES: `ok` SMART passes and no bad-sector count grew; `warning` a count grew
 * or is not zero; `failing` SMART's overall verdict is failed (back up and replace the drive);
 * `unsupported` the USB adapter passes no SMART data (not an error); `unknown` not read yet,
 * or smartctl could not be run (see problem).
 */
export const DRIVE_HEALTH_STATES = ['ok', 'warning', 'failing', 'unsupported', 'unknown'] as const;
export const DriveHealthState = v.picklist(DRIVE_HEALTH_STATES);
export type DriveHealthState = v.InferOutput<typeof DriveHealthState>;

const Count = v.nullable(v.number());

/** DriveHealth is what SMART says about the disk behind the LUKS drive, read daily and on unlock. */
export const DriveHealth = v.object({
  state: DriveHealthState,
  /** When SMART was last read (wall ms), null before the first read. */
  readAt: v.nullable(v.number()),
  /** The disk's model as it names itself (system text), null when unknown. */
  model: v.nullable(v.string()),
  protocol: v.nullable(v.picklist(['ata', 'nvme', 'scsi'])),
  /** SMART's overall health self-assessment: true passed, false failed, null not given. */
  passed: v.nullable(v.boolean()),
  powerOnHours: Count,
  temperatureC: Count,
  /** ATA attributes 5, 197, 198 and 187 (raw values). */
  reallocatedSectors: Count,
  pendingSectors: Count,
  offlineUncorrectable: Count,
  reportedUncorrectable: Count,
  /** NVMe's health log: percentage of rated endurance used, and media errors. */
  percentUsed: Count,
  mediaErrors: Count,
  /** Plain words of what is wrong or why nothing is known; null when all is well. */
  problem: v.nullable(v.string()),
});
export type DriveHealth = v.InferOutput<typeof DriveHealth>;
