// Token buckets: burst then rate, Retry-After from the bucket, and per-key buckets that stay few.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BucketRate, TokenBucket, TokenBuckets } from './token-bucket.ts';

describe('TokenBucket', () => {
  it('allows the burst, then the sustained rate, and says when to come back', () => {
    const clock = { now: 1_000 };
    const bucket = new TokenBucket({ ratePerSecond: 0.5, burst: 3 }, () => clock.now);
    for (let i = 0; i < 3; i++) expect(bucket.tryTake()).toBe(true);
    expect(bucket.isEmpty()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    // One token every 2 s.
    expect(bucket.retryAfterSeconds()).toBe(2);
    clock.now += 1_000;
    expect(bucket.retryAfterSeconds()).toBe(1);
    expect(bucket.tryTake()).toBe(false);
    clock.now += 1_000;
    expect(bucket.isEmpty()).toBe(false);
    expect(bucket.tryTake()).toBe(true);
    // Refusals took nothing; a long pause refills only up to the burst.
    clock.now += 3_600_000;
    for (let i = 0; i < 3; i++) expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
  });

  it('answers Retry-After as a whole number of seconds, at least 1', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 1000, noNaN: true }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 60_000 }),
        (ratePerSecond, burst, waitMs) => {
          const clock = { now: 0 };
          const bucket = new TokenBucket({ ratePerSecond, burst }, () => clock.now);
          while (bucket.tryTake()) {}
          clock.now += waitMs;
          const seconds = bucket.retryAfterSeconds();
          expect(Number.isInteger(seconds) && seconds >= 1).toBe(true);
          // Waiting that long is always enough.
          clock.now += seconds * 1000;
          expect(bucket.tryTake()).toBe(true);
        },
      ),
    );
  });

  it('refuses a configuration that cannot work', () => {
    expect(() => new TokenBucket({ ratePerSecond: 0, burst: 1 }, () => 0)).toThrow(RangeError);
    expect(() => new TokenBucket({ ratePerSecond: 1, burst: 0.5 }, () => 0)).toThrow(RangeError);
    expect(() => new TokenBuckets({ ratePerSecond: 1, burst: 1 }, 0)).toThrow(RangeError);
  });
});

// The reference: one bucket per key forever, the way the limit reads on paper.
class ForeverBuckets {
  private readonly levels = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly rate: BucketRate) {}
  tokens(key: string, now: number): number {
    const level = this.levels.get(key);
    if (!level) return this.rate.burst;
    return Math.min(
      this.rate.burst,
      level.tokens + ((now - level.at) * this.rate.ratePerSecond) / 1000,
    );
  }
  take(key: string, now: number): void {
    this.levels.set(key, { tokens: Math.max(0, this.tokens(key, now) - 1), at: now });
  }
}

describe('TokenBuckets', () => {
  it('drops a bucket once it has refilled, and the key starts full as if it had been kept', () => {
    const buckets = new TokenBuckets({ ratePerSecond: 10, burst: 5 }, 100);
    for (let i = 0; i < 5; i++) buckets.take('a', 0);
    expect(buckets.hasToken('a', 0)).toBe(false);
    expect(buckets.retryAfterSeconds('a', 0)).toBe(1);
    expect(buckets.size(499)).toBe(1);
    expect(buckets.hasToken('a', 499)).toBe(true);
    // 5 tokens at 10 per second: full after 500 ms, and gone.
    expect(buckets.size(500)).toBe(0);
  });

  it('keeps at most maxKeys buckets, however many keys come', () => {
    const buckets = new TokenBuckets({ ratePerSecond: 0.001, burst: 2 }, 50);
    for (let i = 0; i < 10_000; i++) buckets.take(`key-${i}`, i);
    expect(buckets.size(10_000)).toBe(50);
    // The newest keys kept their state; the oldest were dropped.
    buckets.take('key-9999', 10_000);
    expect(buckets.hasToken('key-9999', 10_000)).toBe(false);
    expect(buckets.hasToken('key-0', 10_000)).toBe(true);
  });

  it('limits exactly as one bucket per key forever while under the cap', () => {
    const op = fc.record({
      key: fc.constantFrom('a', 'b', 'c', 'd'),
      advanceMs: fc.integer({ min: 0, max: 3_000 }),
      take: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 50, noNaN: true }),
        fc.integer({ min: 1, max: 10 }),
        fc.array(op, { maxLength: 200 }),
        (ratePerSecond, burst, ops) => {
          const rate = { ratePerSecond, burst };
          const buckets = new TokenBuckets(rate, 4);
          const reference = new ForeverBuckets(rate);
          let now = 0;
          for (const { key, advanceMs, take } of ops) {
            now += advanceMs;
            const allowed = reference.tokens(key, now) >= 1;
            expect(buckets.hasToken(key, now)).toBe(allowed);
            if (take && allowed) {
              buckets.take(key, now);
              reference.take(key, now);
            }
          }
        },
      ),
    );
  });
});
