// backup-stale with a pinned clock: the boundary, just over it, a clock that went back, no backup yet.
import { describe, expect, it } from 'vitest';
import { backupStaleness } from './staleness.ts';

const HOUR = 3_600_000;
const lastGoodAt = 1_800_000_000_000;
const limits = { staleHours: 24, graceHours: 3, watchingSince: lastGoodAt - 100 * HOUR };

describe('backupStaleness', () => {
  it('is not stale exactly at 24 h + 3 h grace', () => {
    expect(backupStaleness({ ...limits, lastGoodAt, now: lastGoodAt + 27 * HOUR })).toEqual({
      stale: false,
      hoursSince: 27,
    });
  });

  it('is stale one millisecond past it, with whole hours counted down', () => {
    expect(backupStaleness({ ...limits, lastGoodAt, now: lastGoodAt + 27 * HOUR + 1 })).toEqual({
      stale: true,
      hoursSince: 27,
    });
    expect(backupStaleness({ ...limits, lastGoodAt, now: lastGoodAt + 50 * HOUR - 1 })).toEqual({
      stale: true,
      hoursSince: 49,
    });
  });

  it('reads a clock that went back as no time passed', () => {
    expect(backupStaleness({ ...limits, lastGoodAt, now: lastGoodAt - 5 * HOUR })).toEqual({
      stale: false,
      hoursSince: 0,
    });
  });

  it('counts from when watching began when there never was a good backup', () => {
    const watchingSince = 1_700_000_000_000;
    const input = { ...limits, lastGoodAt: null, watchingSince };
    expect(backupStaleness({ ...input, now: watchingSince + 2 * HOUR })).toEqual({
      stale: false,
      hoursSince: 2,
    });
    expect(backupStaleness({ ...input, now: watchingSince + 28 * HOUR })).toEqual({
      stale: true,
      hoursSince: 28,
    });
  });

  it('follows configured hours', () => {
    const input = { lastGoodAt, watchingSince: 0, staleHours: 168, graceHours: 0 };
    expect(backupStaleness({ ...input, now: lastGoodAt + 100 * HOUR }).stale).toBe(false);
    expect(backupStaleness({ ...input, now: lastGoodAt + 169 * HOUR }).stale).toBe(true);
  });
});
