import { describe, expect, it } from 'vitest';
import { drill, recovery } from './fixtures.ts';
import { advanceDrillFollow, DRILL_START_WAIT_MS, startDrillFollow } from './follow.ts';

describe('following a drill', () => {
  it('goes from starting to running to finished once a new drill is first in the history', () => {
    const before = recovery();
    let follow = startDrillFollow(before, 1000);
    expect(advanceDrillFollow(follow, before, 2000).step).toEqual({ kind: 'starting' });
    const running = advanceDrillFollow(follow, recovery({ running: { since: 1500 } }), 3000);
    expect(running.step).toEqual({ kind: 'running' });
    follow = running.follow;
    expect(advanceDrillFollow(follow, before, 4000).step).toEqual({ kind: 'recording' });
    const next = drill({ id: 'a'.repeat(32), result: 'failed', reason: 'x' });
    const done = recovery({ lastDrill: next, drills: [next, drill()] });
    expect(advanceDrillFollow(follow, done, 5000).step).toEqual({ kind: 'finished', drill: next });
  });

  it('gives up on a drill that never started', () => {
    const follow = startDrillFollow(recovery(), 0);
    expect(advanceDrillFollow(follow, recovery(), DRILL_START_WAIT_MS + 1).step).toEqual({
      kind: 'lost',
      why: 'never-started',
    });
  });
});
