// Why an unlock or lock stopped, in plain words: loaded with the Unlock and Lock screens, not in
// the first load (errors.ts keeps the words every screen needs).
import { OPERATION_ERROR_CODES, type OperationErrorCode } from '../../shared/errors.ts';
import type { OperationError } from '../../shared/unlock.ts';
import { HELPER_DOWN, PLUG_IN } from './errors.ts';
import { formatWait } from './format.ts';

/** OperationContext names what an operation error is about, in words from the operation itself. */
export interface OperationContext {
  /** The failed step's label, e.g. "Opening the drive". */
  step: string;
  /** What a person calls the failed unit, e.g. "Immich". */
  unit: string;
}

const triesLeft = (n: number | null) =>
  n === null ? '' : n === 1 ? ' 1 try left before a wait.' : ` ${n} tries left before a wait.`;
const tryAgainIn = (seconds: number | null) =>
  seconds === null ? 'Try again later.' : `Try again in ${formatWait(seconds)}.`;

/** OPERATION_WORDS says how each error that ends an unlock or lock came about, and what to do. */
export const OPERATION_WORDS: Record<
  OperationErrorCode,
  (error: OperationError, about: OperationContext) => string
> = {
  'wrong-passphrase': (e) =>
    e.triesLeft === 0
      ? `Wrong passphrase, and that was the last try for now. ${tryAgainIn(e.retryAfterSeconds)}`
      : `Wrong passphrase.${triesLeft(e.triesLeft)}`,
  'unlock-rate-limited': (e) => `Too many wrong passphrases. ${tryAgainIn(e.retryAfterSeconds)}`,
  'insufficient-memory': () =>
    'The Pi has not enough free memory to open the drive. Restart the Pi, then try again.',
  'drive-missing': () => PLUG_IN,
  'kdf-busy': () => 'The Pi is already opening the drive. Wait a minute, then try again.',
  'unit-failed': (e, about) =>
    `${about.unit} failed to ${e.step?.startsWith('stop:') ? 'stop' : 'start'}.`,
  'step-timeout': (_e, about) => `${about.step} took too long, so the Pi stopped waiting.`,
  'immich-not-answering': () => 'Immich started but does not answer. It may still be starting up.',
  'helper-unavailable': () => HELPER_DOWN,
  'helper-error': () => 'The part of the Pi that opens the drive failed. Try again.',
};

/** describeOperationError says in one or two sentences why an unlock or lock stopped. */
export function describeOperationError(error: OperationError, about: OperationContext): string {
  const words = (OPERATION_ERROR_CODES as readonly string[]).includes(error.code)
    ? OPERATION_WORDS[error.code as OperationErrorCode]
    : null;
  // A code from a newer agent: its own fixed message is the best there is.
  return words ? words(error, about) : error.message;
}
