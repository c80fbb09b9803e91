// Named failures the routes throw; app.onError turns each into its status and stable code.
import { ERROR_STATUS, type ErrorCode } from '../../shared/errors.ts';

/** ApiError is a failure the client caused or must know about, answered with a stable code. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
  }
}

/** ValidationError names the first field of a request that did not fit its schema. */
export class ValidationError extends ApiError {
  override name = 'ValidationError';
  constructor(message: string) {
    super('validation-failed', message);
  }
}

/**
 * SignatureError is any RFC 9421 check failing; its answer carries only the code and a fixed
 * message (and, for a device over its rate, `rate-limited` with the Retry-After its bucket gives).
 * An app cached from an older agent shows an unknown code's message as it stands, so
 * `signature-outdated` says what helps.
 */
export class SignatureError extends ApiError {
  override name = 'SignatureError';
  constructor(
    code: ErrorCode,
    readonly retryAfterSeconds?: number,
  ) {
    super(
      code,
      code === 'signature-outdated'
        ? 'This app is out of date. Close it and open it again to load the new version.'
        : code === 'rate-limited'
          ? 'Too many requests from this device: wait Retry-After seconds.'
          : 'The request signature was not accepted.',
    );
  }
}

/**
 * FloodLimitedError refuses a request not known to come from a paired device while too many
 * unsigned or failed-signature requests are arriving from everyone together.
 */
export class FloodLimitedError extends ApiError {
  override name = 'FloodLimitedError';
  constructor(readonly retryAfterSeconds: number) {
    super(
      'flood-limited',
      `Too many requests from unknown senders: try again in ${retryAfterSeconds} s.`,
    );
  }
}

/** UnlockRateLimitedError is the 429 after too many wrong passphrases; it says how long to wait. */
export class UnlockRateLimitedError extends ApiError {
  override name = 'UnlockRateLimitedError';
  constructor(readonly retryAfterSeconds: number) {
    super(
      'unlock-rate-limited',
      `Too many wrong passphrases: try again in ${retryAfterSeconds} s.`,
    );
  }
}

/**
 * retryAfterOf is the Retry-After of a 429: the seconds the refusing limit named, a whole
 * number of at least 1 (RFC 9110 §10.2.3 delay-seconds), or 1 when it named none.
 */
export function retryAfterOf(error: ApiError): number {
  const seconds = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  return typeof seconds === 'number' && Number.isFinite(seconds)
    ? Math.max(1, Math.ceil(seconds))
    : 1;
}

/** DeviceNotFoundError is a device id that is not paired (or was revoked). */
export class DeviceNotFoundError extends ApiError {
  override name = 'DeviceNotFoundError';
  constructor() {
    super('device-not-found', 'No paired device has that id.');
  }
}

/** PairingFailedError never says why: a wrong, used or expired code all look the same. */
export class PairingFailedError extends ApiError {
  override name = 'PairingFailedError';
  constructor() {
    super('pairing-failed', 'Pairing failed: the code is wrong, used or expired.');
  }
}

/** LastAdminError refuses a change that would leave no admin: the last one stays (ARCHITECTURE §14). */
export class LastAdminError extends ApiError {
  override name = 'LastAdminError';
  constructor() {
    super(
      'last-admin',
      'This is the last admin device: make another device an admin first, then try again.',
    );
  }
}

/** RoleForbiddenError is a viewer asking for what only an admin may do (shared/roles.ts). */
export class RoleForbiddenError extends ApiError {
  override name = 'RoleForbiddenError';
  constructor(message = 'Only an admin device can do this; this device is a viewer.') {
    super('role-forbidden', message);
  }
}
