// The ways a call to the agent can fail, as classes the views tell apart (words live in errors.ts).
import * as v from 'valibot';
import { type ErrorCode, isErrorCode } from '../../../shared/errors.ts';

/** Schema is any valibot schema that answers a T. */
export type Schema<T> = v.GenericSchema<unknown, T>;

/**
 * The code of a failed answer: one of shared/errors.ts (a misspelt one does not compile),
 * 'unexpected-answer' when the answer made no sense, 'unknown-code' for a code of a newer agent.
 */
export type ApiErrorCode = ErrorCode | 'unexpected-answer' | 'unknown-code';

/** ApiError is an answer from the agent that was not a success: its stable code and HTTP status. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }

  /** fromAgent makes the error of an error body: a code this app does not know is 'unknown-code'. */
  static fromAgent(code: string, status: number, message: string): ApiError {
    return new ApiError(isErrorCode(code) ? code : 'unknown-code', status, message);
  }
}

/** OfflineError means the agent could not be reached at all (no network, Pi down, timeout). */
export class OfflineError extends Error {
  override name = 'OfflineError';
}

/**
 * AgentKeyChangedError means the agent answered with a key other than the one pinned at pairing.
 * Like a changed SSH host key it is a hard stop: the app talks to that agent no more.
 */
export class AgentKeyChangedError extends Error {
  override name = 'AgentKeyChangedError';
  constructor() {
    super('The Pi answered with a different identity key than the one paired with.');
  }
}

/** WrongAgentError means pairing was accepted by an agent that could not prove it issued the code. */
export class WrongAgentError extends Error {
  override name = 'WrongAgentError';
  constructor() {
    super('The Pi could not prove it issued this pairing code.');
  }
}

/**
 * UnlockKeySignatureError means the unlock key was not signed by the pinned agent key: as hard a
 * stop as a changed agent key, since sealing to it could hand the passphrase to someone else.
 */
export class UnlockKeySignatureError extends AgentKeyChangedError {
  override name = 'UnlockKeySignatureError';
  override message = 'The Pi’s unlock key was not signed by the identity key paired with.';
}

/** PassphraseLengthError refuses a passphrase of no bytes or more than the helper takes, unsent. */
export class PassphraseLengthError extends Error {
  override name = 'PassphraseLengthError';
  constructor(
    /** Its UTF-8 length, or a lower bound of it for a very long paste. */
    readonly bytes: number,
  ) {
    super(bytes === 0 ? 'The passphrase is empty.' : 'The passphrase is too long.');
  }
}

/** checked validates a request body with the shared schema before it is signed and sent. */
export function checked<T>(schema: Schema<T>, value: unknown): T {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  throw new ApiError('validation-failed', 400, result.issues[0].message);
}
