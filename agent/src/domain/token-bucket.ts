// Token buckets for the agent's rate limits: one shared bucket, or one per key with a hard cap.

/** BucketRate is a sustained rate and the burst allowed above it. */
export interface BucketRate {
  ratePerSecond: number;
  burst: number;
}

interface Level {
  tokens: number;
  updatedAt: number;
}

function checkRate({ ratePerSecond, burst }: BucketRate): void {
  if (!(ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
  if (!(burst >= 1)) throw new RangeError('burst must be at least 1');
}

// Reading a level never changes it: only using a token moves `updatedAt`.
function tokensAt(level: Level, rate: BucketRate, now: number): number {
  const elapsed = Math.max(0, now - level.updatedAt);
  return Math.min(rate.burst, level.tokens + (elapsed * rate.ratePerSecond) / 1000);
}

function useToken(level: Level, rate: BucketRate, now: number): void {
  level.tokens = Math.max(0, tokensAt(level, rate, now) - 1);
  level.updatedAt = Math.max(level.updatedAt, now);
}

/** secondsUntilToken is how long until `tokens` grow to a whole one: an integer, at least 1. */
function secondsUntilToken(tokens: number, rate: BucketRate): number {
  return Math.max(1, Math.ceil((1 - tokens) / rate.ratePerSecond));
}

/** TokenBucket is one bucket shared by everyone it limits (e.g. all unsigned requests). */
export class TokenBucket {
  private readonly level: Level;

  constructor(
    private readonly rate: BucketRate,
    private readonly monotonic: () => number,
  ) {
    checkRate(rate);
    this.level = { tokens: rate.burst, updatedAt: monotonic() };
  }

  /** tryTake uses up one token and answers true, or answers false when none is left. */
  tryTake(): boolean {
    const now = this.monotonic();
    if (tokensAt(this.level, this.rate, now) < 1) return false;
    useToken(this.level, this.rate, now);
    return true;
  }

  /** isEmpty tells whether the next tryTake would fail, without taking anything. */
  isEmpty(): boolean {
    return tokensAt(this.level, this.rate, this.monotonic()) < 1;
  }

  /** retryAfterSeconds is when a refused caller may try again: whole seconds, at least 1. */
  retryAfterSeconds(): number {
    return secondsUntilToken(tokensAt(this.level, this.rate, this.monotonic()), this.rate);
  }
}

/**
 * TokenBuckets keeps one bucket per key, the least recently used first. A bucket idle for
 * burst / rate seconds has refilled completely, and a full bucket is what a new key gets, so
 * dropping it forgets nothing: that keeps the map as small as the keys active lately. `maxKeys`
 * is a hard cap on top; past it the longest idle bucket is dropped (its key starts full again).
 */
export class TokenBuckets {
  private readonly levels = new Map<string, Level>();
  private readonly fullAfterMs: number;

  constructor(
    private readonly rate: BucketRate,
    private readonly maxKeys: number,
  ) {
    checkRate(rate);
    if (!Number.isInteger(maxKeys) || maxKeys < 1)
      throw new RangeError('maxKeys must be a positive integer');
    this.fullAfterMs = (rate.burst / rate.ratePerSecond) * 1000;
  }

  /** size is how many buckets are kept (after dropping full ones as of `now`). */
  size(now: number): number {
    this.dropFull(now);
    return this.levels.size;
  }

  /** hasToken tells whether `key` may make a request now, without using anything up. */
  hasToken(key: string, now: number): boolean {
    this.dropFull(now);
    const level = this.levels.get(key);
    return level === undefined || tokensAt(level, this.rate, now) >= 1;
  }

  /** take uses up one of `key`'s tokens (the caller checked hasToken); a new key starts full. */
  take(key: string, now: number): void {
    this.dropFull(now);
    const level = this.levels.get(key) ?? { tokens: this.rate.burst, updatedAt: now };
    useToken(level, this.rate, now);
    // Re-inserting keeps the map in order of last use, so the idle ones sit at the front.
    this.levels.delete(key);
    this.levels.set(key, level);
    while (this.levels.size > this.maxKeys) {
      const oldest = this.levels.keys().next().value as string;
      this.levels.delete(oldest);
    }
  }

  /** retryAfterSeconds is when `key` may try again: whole seconds, at least 1. */
  retryAfterSeconds(key: string, now: number): number {
    const level = this.levels.get(key);
    return level === undefined ? 1 : secondsUntilToken(tokensAt(level, this.rate, now), this.rate);
  }

  private dropFull(now: number): void {
    for (const [key, level] of this.levels) {
      // Rounding can leave a hair under full at exactly fullAfterMs: then keep it a little longer.
      if (now - level.updatedAt < this.fullAfterMs) return;
      if (tokensAt(level, this.rate, now) < this.rate.burst) return;
      this.levels.delete(key);
    }
  }
}
