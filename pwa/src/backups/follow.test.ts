import { describe, expect, it } from 'vitest';
import type { BackupRunSummary, BackupSummary, BackupsResponse } from '../../../shared/backups.ts';
import {
  advanceFollow,
  followGoesOn,
  mergeRuns,
  REPORT_WAIT_MS,
  START_WAIT_MS,
  startFollow,
} from './follow.ts';

const SUMMARY: BackupSummary = {
  lastGoodAt: 1,
  lastGoodSnapshotId: 's',
  lastResult: 'succeeded',
  nextAt: null,
  running: null,
  stale: false,
  snapshots: 3,
  demo: false,
  recoveryIssue: null,
};
const run = (seq: number, extra: Partial<BackupRunSummary> = {}): BackupRunSummary => ({
  id: `run-${seq}`,
  seq,
  startedAt: seq * 1000,
  endedAt: seq * 1000 + 500,
  durationSeconds: 0.5,
  result: 'succeeded',
  reason: null,
  flags: [],
  snapshotId: `snap-${seq}`,
  filesNew: 1,
  filesChanged: 0,
  filesProcessed: 10,
  bytesAdded: 100,
  demo: false,
  ...extra,
});
const page = (runs: BackupRunSummary[], running: BackupSummary['running'] = null) =>
  ({
    summary: { ...SUMMARY, running },
    runs,
    next: null,
    chart: null,
    recovery: null,
  }) satisfies BackupsResponse;

describe('following "Back up now"', () => {
  const before = [run(2), run(1)];
  const asked = startFollow(before, 10_000);

  it('starts, runs, and finishes with the new run as its result', () => {
    const starting = advanceFollow(asked, page(before), 11_000);
    expect(starting.step).toEqual({ kind: 'starting' });
    const running = advanceFollow(starting.follow, page(before, { since: 10_500 }), 13_000);
    expect(running.step).toEqual({ kind: 'running' });
    const failed = run(3, { result: 'failed', reason: 'rustic exited with status 1.' });
    const done = advanceFollow(running.follow, page([failed, ...before]), 15_000);
    expect(done.step).toEqual({ kind: 'finished', run: failed });
    expect([starting, running].every((s) => followGoesOn(s.step))).toBe(true);
    expect(followGoesOn(done.step)).toBe(false);
  });

  it('finishes even when the run was too quick to be seen running', () => {
    const done = advanceFollow(asked, page([run(3), ...before]), 12_000);
    expect(done.step).toMatchObject({ kind: 'finished', run: { id: 'run-3' } });
  });

  it('gives up on a run that never started (a skipped unit) after a bounded wait', () => {
    expect(advanceFollow(asked, page(before), 10_000 + START_WAIT_MS).step.kind).toBe('starting');
    expect(advanceFollow(asked, page(before), 10_001 + START_WAIT_MS).step).toEqual({
      kind: 'lost',
      why: 'never-started',
    });
  });

  it('waits a bounded time for the record of a run seen ending', () => {
    const seen = advanceFollow(asked, page(before, { since: null }), 20_000).follow;
    expect(advanceFollow(seen, page(before), 20_000 + REPORT_WAIT_MS).step.kind).toBe('reporting');
    expect(advanceFollow(seen, page(before), 20_001 + REPORT_WAIT_MS).step).toEqual({
      kind: 'lost',
      why: 'no-report',
    });
  });

  it('follows a run found running without asking, to its end', () => {
    const found = startFollow(before, null);
    const running = advanceFollow(found, page(before, { since: 1 }), 5_000);
    expect(running.step.kind).toBe('running');
    expect(advanceFollow(running.follow, page([run(3), ...before]), 6_000).step.kind).toBe(
      'finished',
    );
  });
});

describe('mergeRuns', () => {
  it('adds older pages below and a polled first page on top, each run once, no gap', () => {
    const firstPage = [run(5), run(4), run(3)];
    const older = [run(2), run(1)];
    const shown = mergeRuns(firstPage, older);
    // A new run pushes run 3 off the polled first page; it must stay shown.
    const polled = [run(6), run(5, { result: 'partial' }), run(4)];
    const merged = mergeRuns(shown, polled);
    expect(merged.map((r) => r.seq)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(merged[1]?.result).toBe('partial');
  });
});
