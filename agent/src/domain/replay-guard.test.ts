// The replay cache: each nonce once, expiry by the monotonic clock, per-device buckets that stay few.
import { describe, expect, it } from 'vitest';
import { ReplayGuard, type ReplayGuardOptions } from './replay-guard.ts';

const TTL = 240_000;
const NONCE = (i: number) => `nonce-${String(i).padStart(16, '0')}`;

function setup(overrides: Partial<ReplayGuardOptions> = {}) {
  const clock = { now: 5_000 };
  const guard = new ReplayGuard({
    ttlMs: TTL,
    maxEntries: 1000,
    ratePerSecond: 1000,
    burst: 1000,
    monotonic: () => clock.now,
    ...overrides,
  });
  return { clock, guard };
}

describe('ReplayGuard', () => {
  it('admits a nonce once per device', () => {
    const { guard } = setup();
    expect(guard.admit('device-a', NONCE(1))).toBe('ok');
    expect(guard.admit('device-a', NONCE(1))).toBe('nonce-replayed');
    // The same nonce from another device is another pair.
    expect(guard.admit('device-b', NONCE(1))).toBe('ok');
    expect(guard.size).toBe(2);
  });

  it('remembers a pair until exactly ttl later, never less', () => {
    const { guard, clock } = setup();
    guard.admit('device-a', NONCE(1));
    clock.now += TTL - 1;
    expect(guard.admit('device-a', NONCE(1))).toBe('nonce-replayed');
    expect(guard.size).toBe(1);
    clock.now += 1;
    expect(guard.size).toBe(0);
    expect(guard.admit('device-a', NONCE(1))).toBe('ok');
  });

  it('expires pairs in the order they came, leaving the younger ones', () => {
    const { guard, clock } = setup();
    guard.admit('device-a', NONCE(1));
    clock.now += 1000;
    guard.admit('device-a', NONCE(2));
    clock.now += TTL - 1000;
    expect(guard.size).toBe(1);
    expect(guard.admit('device-a', NONCE(2))).toBe('nonce-replayed');
    expect(guard.admit('device-a', NONCE(1))).toBe('ok');
  });

  it('refuses new pairs when full of live ones instead of evicting any', () => {
    const { guard, clock } = setup({ maxEntries: 3 });
    for (let i = 0; i < 3; i++) expect(guard.admit(`device-${i}`, NONCE(i))).toBe('ok');
    expect(guard.admit('device-9', NONCE(9))).toBe('replay-cache-full');
    // Every remembered pair is still refused: nothing was evicted to make room.
    for (let i = 0; i < 3; i++) expect(guard.admit(`device-${i}`, NONCE(i))).toBe('nonce-replayed');
    clock.now += TTL;
    expect(guard.admit('device-9', NONCE(9))).toBe('ok');
  });

  it('rate-limits each device with a token bucket: burst, then the sustained rate', () => {
    const { guard, clock } = setup({ ratePerSecond: 2, burst: 3 });
    for (let i = 0; i < 3; i++) expect(guard.admit('device-a', NONCE(i))).toBe('ok');
    expect(guard.admit('device-a', NONCE(3))).toBe('rate-limited');
    // Another device has its own bucket.
    expect(guard.admit('device-b', NONCE(3))).toBe('ok');
    clock.now += 499;
    expect(guard.admit('device-a', NONCE(3))).toBe('rate-limited');
    clock.now += 1;
    expect(guard.admit('device-a', NONCE(3))).toBe('ok');
    expect(guard.admit('device-a', NONCE(4))).toBe('rate-limited');
    // A long pause refills only up to the burst.
    clock.now += 60_000;
    for (let i = 10; i < 13; i++) expect(guard.admit('device-a', NONCE(i))).toBe('ok');
    expect(guard.admit('device-a', NONCE(13))).toBe('rate-limited');
  });

  it('says when a rate-limited device may try again', () => {
    const { guard, clock } = setup({ ratePerSecond: 0.25, burst: 1 });
    expect(guard.admit('device-a', NONCE(1))).toBe('ok');
    expect(guard.admit('device-a', NONCE(2))).toBe('rate-limited');
    expect(guard.retryAfterSeconds('device-a')).toBe(4);
    clock.now += 3_500;
    expect(guard.retryAfterSeconds('device-a')).toBe(1);
    clock.now += 500;
    expect(guard.admit('device-a', NONCE(2))).toBe('ok');
  });

  it('keeps a bucket only for admitted devices, and drops it once it is full again', () => {
    const { guard, clock } = setup({ ratePerSecond: 10, burst: 20, maxEntries: 5 });
    for (let i = 0; i < 5; i++) expect(guard.admit(`device-${i}`, NONCE(i))).toBe('ok');
    // Refused requests (cache full, replays) leave no bucket behind.
    for (let i = 5; i < 1000; i++)
      expect(guard.admit(`key-${i}`, NONCE(i))).toBe('replay-cache-full');
    expect(guard.admit('device-0', NONCE(0))).toBe('nonce-replayed');
    expect(guard.bucketCount).toBe(5);
    // One token back in 100 ms, full (20 tokens) after 2 s: then a bucket is worth nothing.
    clock.now += 1_999;
    expect(guard.bucketCount).toBe(5);
    clock.now += 1;
    expect(guard.bucketCount).toBe(0);
  });

  it('keeps at most maxBuckets buckets even with many busy devices', () => {
    const { guard } = setup({ ratePerSecond: 0.1, burst: 2, maxEntries: 100_000, maxBuckets: 64 });
    for (let i = 0; i < 5000; i++) expect(guard.admit(`device-${i}`, NONCE(i))).toBe('ok');
    expect(guard.bucketCount).toBe(64);
  });

  it('does not spend a token on a refused request', () => {
    const { guard, clock } = setup({ ratePerSecond: 0.001, burst: 2, maxEntries: 1 });
    expect(guard.admit('device-a', NONCE(1))).toBe('ok');
    for (let i = 0; i < 5; i++) {
      expect(guard.admit('device-a', NONCE(1))).toBe('nonce-replayed');
      expect(guard.admit('device-a', NONCE(2))).toBe('replay-cache-full');
    }
    clock.now += TTL;
    // One token is left (plus 0.24 refilled): the ten refusals took none.
    expect(guard.admit('device-a', NONCE(3))).toBe('ok');
  });

  it('stays correct if the clock it is given steps backwards', () => {
    const { guard, clock } = setup();
    guard.admit('device-a', NONCE(1));
    clock.now -= 100_000;
    guard.admit('device-a', NONCE(2));
    clock.now += 100_000 + TTL;
    expect(guard.size).toBe(0);
  });

  it('refuses a configuration that cannot work', () => {
    expect(() => setup({ ttlMs: 0 })).toThrow(RangeError);
    expect(() => setup({ maxEntries: 1.5 })).toThrow(RangeError);
    expect(() => setup({ ratePerSecond: 0 })).toThrow(RangeError);
    expect(() => setup({ burst: 0.5 })).toThrow(RangeError);
  });
});
