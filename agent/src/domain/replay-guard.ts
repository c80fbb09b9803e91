// Remembers (keyid, nonce) pairs of verified requests so none is accepted twice (ARCHITECTURE §4).

export interface ReplayGuardOptions {
  /** How long a pair is remembered: at least the whole window in which `created` is accepted. */
  ttlMs: number;
  /** Most pairs remembered at once; past it new requests are refused, nothing is evicted early. */
  maxEntries: number;
  /** Sustained requests per second each device may make... */
  ratePerSecond: number;
  /** ...and how many it may make at once above that. */
  burst: number;
  /** Monotonic ms: wall-clock steps must not expire a pair early or keep it forever. */
  monotonic: () => number;
}

export type AdmitResult = 'ok' | 'nonce-replayed' | 'rate-limited' | 'replay-cache-full';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * ReplayGuard is the last step of verification: only a request whose signature verified may use
 * up a nonce, so a forged request cannot burn a real one. Because the ttl is constant and time
 * only moves forward, insertion order is expiry order: the oldest pairs sit at the front of the
 * Map and sweeping stops at the first live one, which makes every call O(1) amortised.
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();
  // One bucket per device that ever made a verified request: bounded by the paired devices.
  private readonly buckets = new Map<string, Bucket>();
  private lastNow = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: ReplayGuardOptions) {
    const { ttlMs, maxEntries, ratePerSecond, burst } = options;
    if (!(ttlMs > 0)) throw new RangeError('ttlMs must be positive');
    if (!Number.isInteger(maxEntries) || maxEntries < 1)
      throw new RangeError('maxEntries must be a positive integer');
    if (!(ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
    if (!(burst >= 1)) throw new RangeError('burst must be at least 1');
  }

  /** size is how many pairs are remembered right now (after dropping expired ones). */
  get size(): number {
    this.sweep(this.now());
    return this.seen.size;
  }

  /** admit records a verified request's nonce, or says why the request must be refused. */
  admit(keyid: string, nonce: string): AdmitResult {
    const now = this.now();
    this.sweep(now);
    // Nonces are base64url (checked before), so the last newline splits this key unambiguously.
    const key = `${keyid}\n${nonce}`;
    if (this.seen.has(key)) return 'nonce-replayed';
    const bucket = this.refill(keyid, now);
    if (bucket.tokens < 1) return 'rate-limited';
    if (this.seen.size >= this.options.maxEntries) return 'replay-cache-full';
    bucket.tokens -= 1;
    this.seen.set(key, now + this.options.ttlMs);
    return 'ok';
  }

  // A clock that went backwards would break "insertion order is expiry order"; never let it.
  private now(): number {
    this.lastNow = Math.max(this.lastNow, this.options.monotonic());
    return this.lastNow;
  }

  private sweep(now: number): void {
    for (const [key, expiresAt] of this.seen) {
      if (expiresAt > now) return;
      this.seen.delete(key);
    }
  }

  private refill(keyid: string, now: number): Bucket {
    const { burst, ratePerSecond } = this.options;
    let bucket = this.buckets.get(keyid);
    if (bucket === undefined) {
      bucket = { tokens: burst, updatedAt: now };
      this.buckets.set(keyid, bucket);
    }
    bucket.tokens = Math.min(
      burst,
      bucket.tokens + ((now - bucket.updatedAt) * ratePerSecond) / 1000,
    );
    bucket.updatedAt = now;
    return bucket;
  }
}
