import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  MAX_PASSPHRASE_FAILURES,
  PASSPHRASE_WINDOW_MS,
  PassphraseLimiter,
  PassphraseLimitState,
} from './passphrase-limit.ts';

const MINUTE = 60_000;

describe('PassphraseLimiter', () => {
  it('allows five wrong passphrases in 15 minutes, counting the tries left', () => {
    const limiter = new PassphraseLimiter();
    let now = 1_000_000;
    expect(limiter.check(now)).toEqual({ allowed: true, triesLeft: 5 });
    for (let left = 4; left >= 1; left--) {
      limiter.recordFailure(now);
      now += MINUTE;
      expect(limiter.check(now)).toEqual({ allowed: true, triesLeft: left });
    }
    limiter.recordFailure(now); // the fifth, at 1_000_000 + 4 minutes
    expect(limiter.check(now)).toEqual({ allowed: false, retryAfterMs: 15 * MINUTE - 4 * MINUTE });
  });

  it('slides: each failure leaves the window 15 minutes after it was made', () => {
    const limiter = new PassphraseLimiter();
    const start = 5_000;
    for (let i = 0; i < MAX_PASSPHRASE_FAILURES; i++) limiter.recordFailure(start + i * MINUTE);
    const lastFailure = start + 4 * MINUTE;
    expect(limiter.check(start + PASSPHRASE_WINDOW_MS - 1)).toEqual({
      allowed: false,
      retryAfterMs: 1,
    });
    // The oldest has left: one try, and a failure then waits for the second oldest to leave.
    expect(limiter.check(start + PASSPHRASE_WINDOW_MS)).toEqual({ allowed: true, triesLeft: 1 });
    limiter.recordFailure(start + PASSPHRASE_WINDOW_MS);
    expect(limiter.check(start + PASSPHRASE_WINDOW_MS)).toEqual({
      allowed: false,
      retryAfterMs: MINUTE,
    });
    expect(limiter.check(lastFailure + PASSPHRASE_WINDOW_MS)).toEqual({
      allowed: true,
      triesLeft: 4,
    });
  });

  it('forgets every failure after a success', () => {
    const limiter = new PassphraseLimiter();
    for (let i = 0; i < 5; i++) limiter.recordFailure(100 + i);
    expect(limiter.check(200).allowed).toBe(false);
    limiter.recordSuccess();
    expect(limiter.check(200)).toEqual({ allowed: true, triesLeft: 5 });
    expect(limiter.toJSON()).toEqual({ failures: [] });
  });

  it('survives toJSON and fromJSON, through the schema, keeping only what can still count', () => {
    const limiter = new PassphraseLimiter();
    for (let i = 0; i < 7; i++) limiter.recordFailure(i * 1000);
    const json = JSON.parse(JSON.stringify(limiter.toJSON()));
    expect(json).toEqual({ failures: [2000, 3000, 4000, 5000, 6000] });
    const again = PassphraseLimiter.fromJSON(v.parse(PassphraseLimitState, json));
    expect(again.check(6000)).toEqual({
      allowed: false,
      retryAfterMs: PASSPHRASE_WINDOW_MS - 4000,
    });
    expect(v.safeParse(PassphraseLimitState, { failures: ['x'] }).success).toBe(false);
    expect(v.safeParse(PassphraseLimitState, { failures: [Number.NaN] }).success).toBe(false);
  });

  it('counts a failure from a clock that went back as made now, so it still expires', () => {
    const limiter = PassphraseLimiter.fromJSON({ failures: [9e12, 9e12, 9e12, 9e12, 9e12] });
    expect(limiter.check(1_000)).toEqual({ allowed: false, retryAfterMs: PASSPHRASE_WINDOW_MS });
    expect(limiter.check(1_000 + PASSPHRASE_WINDOW_MS)).toEqual({ allowed: true, triesLeft: 5 });
  });

  it('takes another budget and window', () => {
    const limiter = new PassphraseLimiter({ maxFailures: 2, windowMs: 1000 });
    limiter.recordFailure(0);
    expect(limiter.check(0)).toEqual({ allowed: true, triesLeft: 1 });
    limiter.recordFailure(10);
    expect(limiter.check(500)).toEqual({ allowed: false, retryAfterMs: 500 });
  });
});
