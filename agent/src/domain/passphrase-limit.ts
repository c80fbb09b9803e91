// Wrong-passphrase budget (ARCHITECTURE §7): at most 5 failures in any 15 minutes, then a wait.
// Pure: the caller passes a monotonic time, so the agent and the helper (which counts by
// /proc/uptime across processes) use the same rule, and tests pin the clock.
import * as v from 'valibot';

export const MAX_PASSPHRASE_FAILURES = 5;
export const PASSPHRASE_WINDOW_MS = 15 * 60 * 1000;

/** PassphraseLimitState is what a limiter keeps: the times of its recent failures, oldest first. */
export const PassphraseLimitState = v.object({
  failures: v.pipe(v.array(v.pipe(v.number(), v.finite())), v.maxLength(1000)),
});
export type PassphraseLimitState = v.InferOutput<typeof PassphraseLimitState>;

export type PassphraseCheck =
  | { allowed: true; triesLeft: number }
  | { allowed: false; retryAfterMs: number };

export interface PassphraseLimitOptions {
  maxFailures?: number;
  windowMs?: number;
}

/** PassphraseLimiter counts wrong passphrases in a sliding window; time only moves forward for it. */
export class PassphraseLimiter {
  private failures: number[];
  private readonly maxFailures: number;
  private readonly windowMs: number;

  constructor(options: PassphraseLimitOptions = {}, failures: readonly number[] = []) {
    this.maxFailures = options.maxFailures ?? MAX_PASSPHRASE_FAILURES;
    this.windowMs = options.windowMs ?? PASSPHRASE_WINDOW_MS;
    this.failures = [...failures].sort((a, b) => a - b).slice(-this.maxFailures);
  }

  /** fromJSON rebuilds a limiter from toJSON's output; give it only state that passed the schema. */
  static fromJSON(
    state: PassphraseLimitState,
    options?: PassphraseLimitOptions,
  ): PassphraseLimiter {
    return new PassphraseLimiter(options, state.failures);
  }

  /**
   * check says whether a passphrase may be tried at nowMs: with how many tries left before a
   * wait, or how long until the oldest failure in the window leaves it.
   */
  check(nowMs: number): PassphraseCheck {
    const recent = this.recent(nowMs);
    if (recent.length < this.maxFailures) {
      return { allowed: true, triesLeft: this.maxFailures - recent.length };
    }
    const oldest = recent[recent.length - this.maxFailures] ?? nowMs;
    return { allowed: false, retryAfterMs: Math.max(1, oldest + this.windowMs - nowMs) };
  }

  /** recordFailure counts one wrong passphrase at nowMs. */
  recordFailure(nowMs: number): void {
    this.failures = [...this.recent(nowMs), nowMs].slice(-this.maxFailures);
  }

  /**
   * takeFailures counts exactly these failures (times on this limiter's clock) instead of its
   * own: the helper's record is the one that outlives an agent restart.
   */
  takeFailures(times: readonly number[]): void {
    this.failures = [...times].sort((a, b) => a - b).slice(-this.maxFailures);
  }

  /** recordSuccess forgets every failure: the owner knows the passphrase. */
  recordSuccess(): void {
    this.failures = [];
  }

  toJSON(): PassphraseLimitState {
    return { failures: [...this.failures] };
  }

  /**
   * recent drops the failures older than the window ending at nowMs and answers the rest. A
   * failure "in the future" (a clock that went back) is moved to nowMs, once: it still counts,
   * and it still expires.
   */
  private recent(nowMs: number): number[] {
    this.failures = this.failures
      .map((at) => Math.min(at, nowMs))
      .filter((at) => at > nowMs - this.windowMs);
    return this.failures;
  }
}
