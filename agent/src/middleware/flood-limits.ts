// Global limits for traffic that is not (yet) known to come from a paired device (issue 15).
import type { MiddlewareHandler } from 'hono';
import type { ErrorCode } from '../../../shared/errors.ts';
import { parseSignatureHeaders } from '../../../shared/protocol/index.ts';
import type { BucketRate } from '../domain/token-bucket.ts';
import { TokenBucket } from '../domain/token-bucket.ts';
import { FloodLimitedError, SignatureError } from '../errors.ts';

/**
 * unsignedLimit answers hello and pair from one bucket shared by everyone: they need no key, so
 * nothing else tells one sender from another. Past it: 429 `flood-limited` with Retry-After.
 */
export function unsignedLimit(
  options: BucketRate & { monotonic: () => number },
): MiddlewareHandler {
  const bucket = new TokenBucket(options, options.monotonic);
  return async function unsignedLimit(_c, next) {
    if (!bucket.tryTake()) throw new FloodLimitedError(bucket.retryAfterSeconds());
    await next();
  };
}

// Refusals of requests that did verify (the device's own rate, a full nonce cache) are not failures.
const NOT_FAILURES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'rate-limited',
  'replay-cache-full',
]);

export interface FailedSignatureLimitOptions extends BucketRate {
  monotonic: () => number;
  /** Whether a keyid names a paired device that is not revoked (a map lookup). */
  isActiveKey: (keyid: string) => boolean;
  /** Hears of every request refused by verification or by this limit (for the alarm). */
  onRefused: (code: ErrorCode) => void;
}

/** claimedKeyid reads the keyid a request says it is signed with, without verifying anything. */
function claimedKeyid(signatureInput?: string, signature?: string): string | null {
  const parsed = parseSignatureHeaders(signatureInput, signature);
  const keyid = parsed.ok ? parsed.params.get('keyid') : undefined;
  return typeof keyid === 'string' ? keyid : null;
}

/**
 * failedSignatureLimit goes before requireSignature. Each request that fails verification takes
 * a token from one bucket shared by everyone; a verified one takes none. While the bucket is
 * empty, a request whose keyid is not a paired device is refused at once (429 `flood-limited`,
 * before any digest or signature is computed), while a paired device's request is still
 * verified: a flood of forged requests cannot starve the owner's phone.
 */
export function failedSignatureLimit(options: FailedSignatureLimitOptions): MiddlewareHandler {
  const { isActiveKey, onRefused } = options;
  const bucket = new TokenBucket(options, options.monotonic);
  const noteFailure = (error: unknown) => {
    if (!(error instanceof SignatureError) || NOT_FAILURES.has(error.code)) return;
    bucket.tryTake();
    onRefused(error.code);
  };
  return async function failedSignatureLimit(c, next) {
    if (bucket.isEmpty()) {
      const keyid = claimedKeyid(c.req.header('signature-input'), c.req.header('signature'));
      if (keyid === null || !isActiveKey(keyid)) {
        onRefused('flood-limited');
        throw new FloodLimitedError(bucket.retryAfterSeconds());
      }
    }
    try {
      await next();
    } catch (error) {
      noteFailure(error);
      throw error;
    }
    // With app.onError, what requireSignature threw was answered already and is left in c.error.
    noteFailure(c.error);
  };
}
