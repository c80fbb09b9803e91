// The spool record `immich-pi-verify-backup` writes as root inside the verify unit and the agent
// reads (ARCHITECTURE §17): one per drill, `<INVOCATION_ID>.drill.json` in recovery.spoolDir.
// Facts found while restoring; the agent turns them into the history's Drill (shared/recovery.ts).
import * as v from 'valibot';
import { DrillResult } from '../../../../shared/recovery.ts';
import { InvocationId, Moment } from '../backups/spool-record.ts';

/** The file name of a drill record: the verify unit's INVOCATION_ID, then `.drill.json`. */
export const DRILL_SPOOL_NAME = /^([0-9a-f]{32})\.drill\.json$/;

/** MAX_MISMATCHES is how many wrong files a record names; the count says how many there were. */
export const MAX_MISMATCHES = 20;

const Text = v.pipe(v.string(), v.maxLength(1000));

export const DrillRecord = v.object({
  v: v.literal(1),
  kind: v.literal('drill'),
  invocationId: InvocationId,
  startedAt: Moment,
  at: Moment,
  result: DrillResult,
  /** Plain words why, for every result but a pass. */
  reason: v.nullable(Text),
  /** The snapshot restored from: the latest when the drill began. */
  snapshot: v.nullable(v.object({ id: v.string(), timeMs: v.nullable(v.number()) })),
  /** `rustic check --read-data-subset`: null when the drill stopped before it. */
  check: v.nullable(
    v.object({ ok: v.boolean(), readDataSubset: v.string(), problem: v.nullable(Text) }),
  ),
  files: v.object({
    checked: v.pipe(v.number(), v.integer(), v.minValue(0)),
    matched: v.pipe(v.number(), v.integer(), v.minValue(0)),
    mismatches: v.pipe(
      v.array(v.object({ path: Text, problem: Text })),
      v.maxLength(MAX_MISMATCHES),
    ),
  }),
  /** The newest database dump, restored and checked; null when there was none to restore. */
  dump: v.nullable(
    v.object({
      name: Text,
      mtimeMs: v.nullable(v.number()),
      bytes: v.nullable(v.number()),
      ok: v.boolean(),
      problem: v.nullable(Text),
    }),
  ),
  /** Whether the scratch directory was removed at the end (it always should be). */
  scratchRemoved: v.boolean(),
  /** Made up by the sandbox Pi (`npm start`'s seeded history). */
  demo: v.optional(v.boolean()),
});
export type DrillRecord = v.InferOutput<typeof DrillRecord>;
