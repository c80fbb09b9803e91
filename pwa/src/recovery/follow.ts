// Following a restore drill from "Test a restore now" to its record, as pure steps over the pages
// polled (the same shape as backups/follow.ts, keyed on drill ids: drills have no seq).
import type { Drill, Recovery } from '../../../shared/recovery.ts';

/** START_WAIT_MS bounds the wait for an asked-for drill to show as running. */
export const DRILL_START_WAIT_MS = 60_000;
/** RECORD_WAIT_MS bounds the wait for a drill's record once it stopped running. */
export const DRILL_RECORD_WAIT_MS = 60_000;

/** DrillFollow is a drill being followed: one asked for here, or one found running. */
export interface DrillFollow {
  /** The newest drill's id when following began, null when there was none. */
  afterId: string | null;
  /** When the start was accepted (agent clock), null for a drill found running. */
  askedAt: number | null;
  /** When it was last seen running (agent clock), null before. */
  lastRunningAt: number | null;
}

/** DrillStep is where a followed drill stands after a poll. */
export type DrillStep =
  | { kind: 'starting' }
  | { kind: 'running' }
  | { kind: 'recording' }
  | { kind: 'finished'; drill: Drill }
  | { kind: 'lost'; why: 'never-started' | 'no-record' };

/** startDrillFollow begins following from the recovery shown now. */
export function startDrillFollow(recovery: Recovery | null, askedAt: number | null): DrillFollow {
  return { afterId: recovery?.drills[0]?.id ?? null, askedAt, lastRunningAt: null };
}

/**
 * advanceDrillFollow reads one polled recovery: finished once a drill newer than the one known is
 * first in the history and none runs; lost when none started, or its record never came, each after
 * a bounded wait on the agent's clock `now`.
 */
export function advanceDrillFollow(
  follow: DrillFollow,
  recovery: Recovery,
  now: number,
): { follow: DrillFollow; step: DrillStep } {
  if (recovery.running)
    return { follow: { ...follow, lastRunningAt: now }, step: { kind: 'running' } };
  const newest = recovery.drills[0];
  if (newest && newest.id !== follow.afterId)
    return { follow, step: { kind: 'finished', drill: newest } };
  if (follow.lastRunningAt !== null)
    return {
      follow,
      step:
        now - follow.lastRunningAt > DRILL_RECORD_WAIT_MS
          ? { kind: 'lost', why: 'no-record' }
          : { kind: 'recording' },
    };
  if (follow.askedAt !== null && now - follow.askedAt <= DRILL_START_WAIT_MS)
    return { follow, step: { kind: 'starting' } };
  return { follow, step: { kind: 'lost', why: 'never-started' } };
}

/** drillFollowGoesOn tells whether to keep polling after this step. */
export const drillFollowGoesOn = (step: DrillStep) =>
  step.kind !== 'finished' && step.kind !== 'lost';
