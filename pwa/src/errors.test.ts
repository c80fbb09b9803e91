import { describe, expect, it } from 'vitest';
import { ERROR_STATUS, OPERATION_ERROR_CODES } from '../../shared/errors.ts';
import type { OperationError } from '../../shared/unlock.ts';
import {
  AgentKeyChangedError,
  ApiError,
  OfflineError,
  PassphraseLengthError,
  UnlockKeySignatureError,
  WrongAgentError,
} from './api/errors.ts';
import { describeError, ERROR_WORDS, needsNewPairing, UNEXPECTED_ANSWER } from './errors.ts';
import { describeOperationError, OPERATION_WORDS } from './operation-words.ts';

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
    expect(describeError(ApiError.fromAgent('drive-on-fire', 500, 'The drive is on fire.'))).toBe(
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

describe('describeOperationError', () => {
  const failed = (code: string, more: Partial<OperationError> = {}): OperationError => ({
    code,
    message: 'agent words',
    step: null,
    unit: null,
    logLines: [],
    triesLeft: null,
    retryAfterSeconds: null,
    ...more,
  });
  const about = { step: 'Opening the drive', unit: 'Immich' };

  it('has words for every code that can end an operation, and no others', () => {
    expect(Object.keys(OPERATION_WORDS).sort()).toEqual([...OPERATION_ERROR_CODES].sort());
    for (const code of OPERATION_ERROR_CODES) {
      const words = describeOperationError(failed(code), about);
      expect(words).toMatch(/^[A-Z].*\.$/);
      expect(words).not.toContain('agent words');
    }
  });

  it('says how many tries are left, and the wait once there are none', () => {
    const say = (more: Partial<OperationError>) =>
      describeOperationError(failed('wrong-passphrase', more), about);
    expect(say({ triesLeft: 3 })).toBe('Wrong passphrase. 3 tries left before a wait.');
    expect(say({ triesLeft: 1 })).toBe('Wrong passphrase. 1 try left before a wait.');
    expect(say({ triesLeft: 0, retryAfterSeconds: 900 })).toBe(
      'Wrong passphrase, and that was the last try for now. Try again in 15 minutes.',
    );
    const limited = failed('unlock-rate-limited', { retryAfterSeconds: 690 });
    expect(describeOperationError(limited, about)).toBe(
      'Too many wrong passphrases. Try again in 12 minutes.',
    );
  });

  it('names the unit that failed and the step that timed out', () => {
    expect(describeOperationError(failed('unit-failed', { step: 'start:x' }), about)).toBe(
      'Immich failed to start.',
    );
    expect(describeOperationError(failed('unit-failed', { step: 'stop:x' }), about)).toBe(
      'Immich failed to stop.',
    );
    expect(describeOperationError(failed('step-timeout'), about)).toBe(
      'Opening the drive took too long, so the Pi stopped waiting.',
    );
    expect(describeOperationError(failed('drive-missing'), about)).toMatch(/not connected/);
  });

  it('shows a newer agent’s own message for a code it does not know', () => {
    expect(describeOperationError(failed('drive-on-fire'), about)).toBe('agent words');
  });
});

describe('describeError for unlock', () => {
  it('says what is wrong with a passphrase’s length, and a forged unlock key', () => {
    expect(describeError(new PassphraseLengthError(0))).toBe('Enter the passphrase.');
    expect(describeError(new PassphraseLengthError(600))).toMatch(/^That passphrase is too long/);
    expect(describeError(new UnlockKeySignatureError())).toMatch(/not signed by the Pi/);
    expect(new UnlockKeySignatureError()).toBeInstanceOf(AgentKeyChangedError);
  });
});
