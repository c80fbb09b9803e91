// Unlock, lock and their operations on the wire (docs/api.md, ARCHITECTURE §4 and §7).
import * as v from 'valibot';
import { BASE64URL, base64urlBytes, PublicKey } from './api.ts';

/** UNLOCK_KEY_CONTEXT starts the bytes the agent signs over its per-start X25519 key (§4). */
export const UNLOCK_KEY_CONTEXT = 'immich-pi/unlock-key/v1';
/** The passphrase's UTF-8 bytes: at least 1, at most this many (the helper's frame limit). */
export const MAX_PASSPHRASE_BYTES = 512;

export const UnlockKeyResponse = v.object({
  /** Names this key; an unlock sealed to another id gets `unlock-key-stale`. */
  keyId: v.pipe(v.string(), v.regex(BASE64URL), v.minLength(1), v.maxLength(64)),
  /** X25519 public key, raw 32 bytes, made in memory at agent start and never written. */
  publicKey: PublicKey,
  bootId: v.string(),
  /** Ed25519 by the agent identity key over context ‖ bootId ‖ keyId ‖ publicKey. */
  signature: base64urlBytes(64),
});
export type UnlockKeyResponse = v.InferOutput<typeof UnlockKeyResponse>;

export const UnlockRequest = v.strictObject({
  keyId: v.pipe(v.string(), v.regex(BASE64URL), v.minLength(1), v.maxLength(64)),
  /** The sender's one-time X25519 public key (nacl.box). */
  clientPublicKey: PublicKey,
  nonce: base64urlBytes(24),
  /** nacl.box of the passphrase's raw UTF-8 bytes (no JSON inside), base64url. */
  box: v.pipe(
    v.string(),
    v.regex(BASE64URL, 'must be base64url'),
    v.minLength(22),
    v.maxLength(2048),
  ),
});
export type UnlockRequest = v.InferOutput<typeof UnlockRequest>;

/**
 * UnlockCheckResponse answers POST /unlock/check (sealed exactly like POST /unlock): whether the
 * passphrase opens the drive's LUKS header, checked by cryptsetup, nothing opened or mounted. A
 * wrong one counts against the same tries as an unlock.
 */
export const UnlockCheckResponse = v.object({
  matches: v.boolean(),
  /** Wrong passphrases left before a wait. */
  triesLeft: v.number(),
});
export type UnlockCheckResponse = v.InferOutput<typeof UnlockCheckResponse>;

export const OperationStarted = v.object({
  operationId: v.string(),
  /** True when an unlock already running was joined instead of a new one started. */
  joined: v.boolean(),
});
export type OperationStarted = v.InferOutput<typeof OperationStarted>;

export const STEP_STATES = ['pending', 'running', 'done', 'failed', 'skipped'] as const;

export const OperationStep = v.object({
  /** open, mount, start:<unit>, ping; for lock: stop:<unit>, unmount, close. */
  id: v.string(),
  /** Fixed words for a person: "Opening the drive", "Starting Immich"... */
  label: v.string(),
  state: v.picklist(STEP_STATES),
  startedAt: v.nullable(v.number()),
  finishedAt: v.nullable(v.number()),
});
export type OperationStep = v.InferOutput<typeof OperationStep>;

export const OperationError = v.object({
  /** One of OPERATION_ERROR_CODES (shared/errors.ts). */
  code: v.string(),
  message: v.string(),
  /** The step that failed. */
  step: v.nullable(v.string()),
  unit: v.nullable(v.string()),
  /** The failed unit's last journal lines: render as text. */
  logLines: v.array(v.string()),
  triesLeft: v.nullable(v.number()),
  retryAfterSeconds: v.nullable(v.number()),
});
export type OperationError = v.InferOutput<typeof OperationError>;

export const Operation = v.object({
  id: v.string(),
  kind: v.picklist(['unlock', 'lock']),
  state: v.picklist(['running', 'succeeded', 'failed']),
  startedAt: v.number(),
  finishedAt: v.nullable(v.number()),
  steps: v.array(OperationStep),
  error: v.nullable(OperationError),
});
export type Operation = v.InferOutput<typeof Operation>;

export const OperationResponse = v.object({ operation: Operation });
export type OperationResponse = v.InferOutput<typeof OperationResponse>;
