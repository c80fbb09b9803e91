// Stable error codes: the agent answers them, the PWA maps them to words. One list for both sides.

/** ERROR_STATUS maps every stable error code to the HTTP status the agent answers it with. */
export const ERROR_STATUS = {
  // The request itself
  'bad-request': 400,
  'invalid-json': 400,
  'validation-failed': 400,
  'not-found': 404,
  'method-not-allowed': 405,
  'request-timeout': 408,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'headers-too-large': 431,
  /** Host names neither this agent's publicUrl nor loopback on its own port (DNS rebinding). */
  'host-refused': 421,
  'cross-site-refused': 403,
  'funnel-refused': 403,
  'login-not-allowed': 403,
  /** A viewer asked for what only admins may do (shared/roles.ts). */
  'role-forbidden': 403,
  // RFC 9421 signature checks (ARCHITECTURE §4): always 401 with nothing but the code
  'signature-missing': 401,
  'signature-malformed': 401,
  /** Signed in the profile before `@authority` was covered: an app from an older agent. */
  'signature-outdated': 401,
  'unknown-key': 401,
  'device-revoked': 401,
  'clock-skew': 401,
  'created-before-start': 401,
  'digest-missing': 401,
  'digest-mismatch': 401,
  'signature-invalid': 401,
  'nonce-replayed': 401,
  'rate-limited': 429,
  // Too many unsigned or failed-signature requests from everyone together (issue 15)
  'flood-limited': 429,
  'replay-cache-full': 503,
  // Pairing and devices
  'pairing-failed': 403,
  'device-not-found': 404,
  /** The change would leave no admin: the last admin can be neither demoted nor revoked. */
  'last-admin': 409,
  // Unlock and lock (ARCHITECTURE §4 sealed passphrase, §7)
  'unlock-key-stale': 409,
  'sealed-box-invalid': 400,
  'passphrase-length': 400,
  'unlock-rate-limited': 429,
  'operation-in-progress': 409,
  'already-unlocked': 409,
  'already-locked': 409,
  'drive-missing': 409,
  'operation-not-found': 404,
  'helper-unavailable': 503,
  /** POST /unlock/check: another passphrase check holds the KDF's memory; try again shortly. */
  'kdf-busy': 409,
  /** POST /unlock/check: the Pi has too little free memory for the drive's KDF right now. */
  'insufficient-memory': 503,
  // Push and alerts (ARCHITECTURE §10)
  'push-endpoint-refused': 400,
  'push-not-subscribed': 404,
  'push-key-stale': 409,
  'alert-not-found': 404,
  // Backups (ARCHITECTURE §11)
  'backup-running': 409,
  'backup-drive-locked': 409,
  'backup-run-not-found': 404,
  /** "Keep the nightly time" when the last manual start did not move it. */
  'backup-schedule-not-moved': 409,
  /** "Back up now" or "Test a restore now" while a restore drill runs (ARCHITECTURE §17). */
  'restore-test-running': 409,
  // Immich and the thermal guard (ARCHITECTURE §16)
  /** No Immich API key on the drive (or the drive is locked): the guard can only cap the CPU. */
  'immich-no-key': 409,
  /** Immich does not answer, refused the key, or answered what the agent cannot read. */
  'immich-unavailable': 503,
  // Never expected: a bug. The agent logs it and keeps running.
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** ErrorBody is the JSON shape of every error answer. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

/** isErrorCode tells whether a string from the wire is one of our codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_STATUS, value);
}

/** SIGNATURE_CLOCK_CODES are the 401s after which a client refreshes its clock offset once. */
export const SIGNATURE_CLOCK_CODES: readonly ErrorCode[] = ['clock-skew', 'created-before-start'];

/**
 * OPERATION_ERROR_CODES end an unlock or lock operation (GET /api/v1/operations/{id}); they are
 * not HTTP answers, since the operation runs on after its 202. The PWA words them like the rest.
 */
export const OPERATION_ERROR_CODES = [
  'wrong-passphrase',
  'unlock-rate-limited',
  'insufficient-memory',
  'drive-missing',
  'kdf-busy',
  'unit-failed',
  'step-timeout',
  'immich-not-answering',
  'helper-unavailable',
  'helper-error',
] as const;

export type OperationErrorCode = (typeof OPERATION_ERROR_CODES)[number];
