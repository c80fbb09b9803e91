// The ways a call to the agent can fail, as classes the views tell apart (words live in errors.ts).

/** ApiError is an answer from the agent that was not a success: its stable code and HTTP status. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    /** A code from shared/errors.ts, or 'unexpected-answer' when the answer made no sense. */
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
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
