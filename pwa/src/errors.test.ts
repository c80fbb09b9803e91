import { describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../../shared/errors.ts';
import { AgentKeyChangedError, ApiError, OfflineError, WrongAgentError } from './api-errors.ts';
import { describeError, ERROR_WORDS, needsNewPairing, UNEXPECTED_ANSWER } from './errors.ts';

describe('ERROR_WORDS', () => {
  it('has words for every code the agent can answer, and no others', () => {
    expect(Object.keys(ERROR_WORDS).sort()).toEqual(Object.keys(ERROR_STATUS).sort());
    for (const words of Object.values(ERROR_WORDS)) expect(words).toMatch(/^[A-Z].*\.$/);
  });
});

describe('describeError', () => {
  it('uses the words of a known code, not the agent’s message', () => {
    const error = new ApiError('pairing-failed', 403, 'server text');
    expect(describeError(error)).toBe(
      'That code didn’t work. Codes are single-use and expire after 10 minutes.',
    );
  });

  it('shows an unknown code’s message from a newer agent as it came', () => {
    expect(describeError(new ApiError('drive-on-fire', 500, 'The drive is on fire.'))).toBe(
      'The drive is on fire.',
    );
    expect(describeError(new ApiError('unexpected-answer', 200, 'x'))).toBe(UNEXPECTED_ANSWER);
  });

  it('tells offline, a changed key, a wrong agent and a bug apart', () => {
    const said = [
      new OfflineError('x'),
      new AgentKeyChangedError(),
      new WrongAgentError(),
      new TypeError('x'),
    ].map(describeError);
    expect(new Set(said).size).toBe(4);
    expect(said[0]).toMatch(/can’t be reached/);
  });

  it('knows which failures only pairing again can fix', () => {
    expect(needsNewPairing(new ApiError('device-revoked', 401, ''))).toBe(true);
    expect(needsNewPairing(new ApiError('unknown-key', 401, ''))).toBe(true);
    expect(needsNewPairing(new ApiError('clock-skew', 401, ''))).toBe(false);
    expect(needsNewPairing(new OfflineError('x'))).toBe(false);
  });
});
