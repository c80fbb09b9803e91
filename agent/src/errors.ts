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
 * SignatureError is any RFC 9421 check failing; its answer carries only the code, and one fixed
 * message. An app cached from an older agent shows an unknown code's message as it stands, so
 * `signature-outdated` says what helps.
 */
export class SignatureError extends ApiError {
  override name = 'SignatureError';
  constructor(code: ErrorCode) {
    super(
      code,
      code === 'signature-outdated'
        ? 'This app is out of date. Close it and open it again to load the new version.'
        : 'The request signature was not accepted.',
    );
  }
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
