// Tells when refused signatures come in a burst, so the owner hears of an attack once, not per request.
import type { ErrorCode } from '../../../shared/errors.ts';
import { TokenBucket } from './token-bucket.ts';

/**
 * ALARM_CODES are the refusals a paired phone does not cause in normal use. A phone with a
 * wrong clock (`clock-skew`), a request in flight across a restart (`created-before-start`) or
 * a revoked phone still polling (`device-revoked`) is not an attack, so those are left out.
 */
const ALARM_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'signature-missing',
  'signature-malformed',
  'unknown-key',
  'digest-missing',
  'digest-mismatch',
  'signature-invalid',
  'nonce-replayed',
  'flood-limited',
]);

export interface BadSignatureAlarmOptions {
  /** More refusals than this, faster than `count` per `windowSeconds`, sound the alarm... */
  count: number;
  windowSeconds: number;
  /** ...at most once per this many seconds, however long the flood goes on. */
  quietSeconds: number;
  monotonic: () => number;
}

/**
 * BadSignatureAlarm counts refusals in a token bucket of `count` that refills at `count` per
 * window: a few stray failures never empty it, a burst does. Once it sounded, it keeps quiet
 * for `quietSeconds`.
 */
export class BadSignatureAlarm {
  private readonly bucket: TokenBucket;
  private quietUntil = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: BadSignatureAlarmOptions) {
    const { count, windowSeconds, quietSeconds, monotonic } = options;
    if (!(quietSeconds >= 0)) throw new RangeError('quietSeconds must not be negative');
    this.bucket = new TokenBucket(
      { ratePerSecond: count / windowSeconds, burst: count },
      monotonic,
    );
  }

  /** note counts one refused request and answers true when this one sounds the alarm. */
  note(code: ErrorCode): boolean {
    if (!ALARM_CODES.has(code)) return false;
    if (this.bucket.tryTake()) return false;
    const now = this.options.monotonic();
    if (now < this.quietUntil) return false;
    this.quietUntil = now + this.options.quietSeconds * 1000;
    return true;
  }
}
