// drills.json: the restore drills as the history keeps them, and which recovery alerts were
// pushed (so a restart does not push them again). Drills come from the verify unit's spool.
import * as v from 'valibot';
import { Drill } from '../../../../shared/recovery.ts';
import type { DrillRecord } from '../../domain/recovery/drill-record.ts';

export const DrillsState = v.object({
  /** When the agent first watched drills with a synced clock: overdue counts from here at worst. */
  watchingSince: v.nullable(v.number()),
  /** Oldest first, bounded by recovery.historyLimit. */
  drills: v.pipe(v.array(Drill), v.maxLength(1000)),
  /** Whether restore-test-failed and restore-test-overdue were pushed and not yet cleared. */
  alerted: v.object({ failed: v.boolean(), overdue: v.boolean() }),
});
export type DrillsState = v.InferOutput<typeof DrillsState>;

/** emptyDrills is drills.json before any drill was reported. */
export const emptyDrills = (): DrillsState => ({
  watchingSince: null,
  drills: [],
  alerted: { failed: false, overdue: false },
});

/** drillFromRecord turns the verify unit's record into the history's drill. */
export function drillFromRecord(record: DrillRecord): Drill {
  const { files, dump, check } = record;
  return {
    id: record.invocationId,
    startedAt: record.startedAt.wallMs,
    endedAt: record.at.wallMs,
    result: record.result,
    reason: record.result === 'passed' ? null : (record.reason ?? 'The drill did not say why.'),
    snapshotId: record.snapshot?.id ?? null,
    snapshotAt: record.snapshot?.timeMs ?? null,
    filesChecked: files.checked,
    filesMatched: files.matched,
    mismatches: files.mismatches,
    dump: dump && {
      name: dump.name,
      at: dump.mtimeMs,
      bytes: dump.bytes,
      ok: dump.ok,
      problem: dump.problem,
    },
    check: check && {
      at: record.startedAt.wallMs,
      ok: check.ok,
      readDataSubset: check.readDataSubset,
      problem: check.problem,
    },
    demo: record.demo ?? false,
  };
}

/** failedDrill is a drill that left no usable record: an error that proves nothing. */
export function failedDrill(id: string, endedAt: number, reason: string): Drill {
  return {
    id,
    startedAt: null,
    endedAt,
    result: 'error',
    reason,
    snapshotId: null,
    snapshotAt: null,
    filesChecked: 0,
    filesMatched: 0,
    mismatches: [],
    dump: null,
    check: null,
    demo: false,
  };
}

/** failureDetail says in a sentence what the newest failed drill found, for its alert. */
export function failureDetail(drill: Drill): string {
  const first = drill.mismatches[0];
  if (first) {
    const more = drill.filesChecked - drill.filesMatched - 1;
    return `${first.path} did not come back intact (${first.problem})${more > 0 ? ` and ${more} more files` : ''}`;
  }
  if (drill.dump && !drill.dump.ok)
    return `The database dump ${drill.dump.name} did not come back usable: ${drill.dump.problem ?? 'it is damaged'}`;
  if (drill.check && !drill.check.ok)
    return `The repository check found a problem: ${drill.check.problem ?? 'see Backups'}`;
  if (drill.result === 'error')
    return `The restore test could not finish: ${drill.reason ?? 'no reason given'}`;
  return drill.reason ?? 'A test restore did not come back intact';
}
