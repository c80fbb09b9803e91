// Remembers (keyid, nonce) pairs of verified requests so none is accepted twice (ARCHITECTURE §4).
import { TokenBuckets } from './token-bucket.ts';

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
  /** Most devices rate-limited at once (a hard cap; idle ones are dropped long before). */
  maxBuckets?: number;
}

export type AdmitResult = 'ok' | 'nonce-replayed' | 'rate-limited' | 'replay-cache-full';

/** More devices than anyone pairs: the cap only matters if something else went wrong. */
const DEFAULT_MAX_BUCKETS = 1024;

/**
 * ReplayGuard is the last step of verification: only a request whose signature verified may use
 * up a nonce, so a forged request cannot burn a real one. Because the ttl is constant and time
 * only moves forward, insertion order is expiry order: the oldest pairs sit at the front of the
 * Map and sweeping stops at the first live one, which makes every call O(1) amortised.
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();
  // A bucket only for a key whose request verified and was admitted, dropped once it is full again.
  private readonly buckets: TokenBuckets;
  private lastNow = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: ReplayGuardOptions) {
    const { ttlMs, maxEntries, ratePerSecond, burst } = options;
    if (!(ttlMs > 0)) throw new RangeError('ttlMs must be positive');
    if (!Number.isInteger(maxEntries) || maxEntries < 1)
      throw new RangeError('maxEntries must be a positive integer');
    this.buckets = new TokenBuckets(
      { ratePerSecond, burst },
      options.maxBuckets ?? DEFAULT_MAX_BUCKETS,
    );
  }

  /** size is how many pairs are remembered right now (after dropping expired ones). */
  get size(): number {
    this.sweep(this.now());
    return this.seen.size;
  }

  /** bucketCount is how many devices are being rate-limited right now. */
  get bucketCount(): number {
    return this.buckets.size(this.now());
  }

  /** admit records a verified request's nonce, or says why the request must be refused. */
  admit(keyid: string, nonce: string): AdmitResult {
    const now = this.now();
    this.sweep(now);
    // Nonces are base64url (checked before), so the last newline splits this key unambiguously.
    const key = `${keyid}\n${nonce}`;
    if (this.seen.has(key)) return 'nonce-replayed';
    if (!this.buckets.hasToken(keyid, now)) return 'rate-limited';
    if (this.seen.size >= this.options.maxEntries) return 'replay-cache-full';
    this.buckets.take(keyid, now);
    this.seen.set(key, now + this.options.ttlMs);
    return 'ok';
  }

  /** retryAfterSeconds is when a device that was answered 'rate-limited' may try again. */
  retryAfterSeconds(keyid: string): number {
    return this.buckets.retryAfterSeconds(keyid, this.now());
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
}
