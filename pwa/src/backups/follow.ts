// Following a backup from "Back up now" to its result, as pure steps over the pages polled, and
// keeping the run list whole while the first page is polled and older pages are added.
import type { BackupRunSummary, BackupsResponse } from '../../../shared/backups.ts';

/** START_WAIT_MS bounds the wait for an asked-for run to show: a skipped unit never runs. */
export const START_WAIT_MS = 60_000;
/** REPORT_WAIT_MS bounds the wait for a run's record after it stopped running. */
export const REPORT_WAIT_MS = 60_000;

/** BackupFollow is a run being followed: one asked for here, or one found running. */
export interface BackupFollow {
  /** The highest run seq known when following began: the followed run's record comes above it. */
  afterSeq: number;
  /** When "Back up now" was accepted (agent clock), null for a run found running. */
  askedAt: number | null;
  /** When it was last seen running (agent clock), null before. */
  lastRunningAt: number | null;
}

/** FollowStep is where a followed run stands after a poll. */
export type FollowStep =
  | { kind: 'starting' }
  | { kind: 'running' }
  | { kind: 'reporting' }
  | { kind: 'finished'; run: BackupRunSummary }
  | { kind: 'lost'; why: 'never-started' | 'no-report' };

/** newestSeq is the highest seq among runs, or -1 for none. */
export function newestSeq(runs: readonly BackupRunSummary[]): number {
  return runs.reduce((max, run) => Math.max(max, run.seq), -1);
}

/** startFollow begins following from what the screen shows now. */
export function startFollow(
  runs: readonly BackupRunSummary[],
  askedAt: number | null,
): BackupFollow {
  return { afterSeq: newestSeq(runs), askedAt, lastRunningAt: null };
}

/**
 * advanceFollow reads one polled first page: the run is finished once a newer record is there and
 * nothing runs; it is lost when it never started (the unit skipped, e.g. the drive was not mounted)
 * or its record never came, each after a bounded wait on the agent's clock `now`.
 */
export function advanceFollow(
  follow: BackupFollow,
  page: BackupsResponse,
  now: number,
): { follow: BackupFollow; step: FollowStep } {
  const newest = page.runs[0];
  if (page.summary.running)
    return { follow: { ...follow, lastRunningAt: now }, step: { kind: 'running' } };
  if (newest && newest.seq > follow.afterSeq)
    return { follow, step: { kind: 'finished', run: newest } };
  if (follow.lastRunningAt !== null) {
    const waited = now - follow.lastRunningAt;
    return {
      follow,
      step: waited > REPORT_WAIT_MS ? { kind: 'lost', why: 'no-report' } : { kind: 'reporting' },
    };
  }
  if (follow.askedAt !== null && now - follow.askedAt <= START_WAIT_MS)
    return { follow, step: { kind: 'starting' } };
  return { follow, step: { kind: 'lost', why: 'never-started' } };
}

/** followGoesOn tells whether to keep polling after this step. */
export const followGoesOn = (step: FollowStep) => step.kind !== 'finished' && step.kind !== 'lost';

/**
 * mergeRuns adds a page to the runs shown, newest first, each run once: a polled first page
 * replaces the records it holds and pushes older ones down without leaving a gap.
 */
export function mergeRuns(
  shown: readonly BackupRunSummary[],
  page: readonly BackupRunSummary[],
): BackupRunSummary[] {
  const byId = new Map(shown.map((run) => [run.id, run]));
  for (const run of page) byId.set(run.id, run);
  return [...byId.values()].sort((a, b) => b.seq - a.seq);
}
