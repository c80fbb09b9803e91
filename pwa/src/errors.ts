// Every failure the app can meet, in plain words: the one place error codes become sentences.
import { type ErrorCode, isErrorCode } from '../../shared/errors.ts';
import { AgentKeyChangedError, ApiError, OfflineError, WrongAgentError } from './api-errors.ts';

const TRY_AGAIN = 'Please try again.';
const SIGNATURE = 'The Pi did not accept this phone’s signature.';

/** ERROR_WORDS says what each of the agent's stable error codes means to the person holding the phone. */
export const ERROR_WORDS: Record<ErrorCode, string> = {
  'bad-request': `The Pi could not read the request. ${TRY_AGAIN}`,
  'invalid-json': `The Pi could not read the request. ${TRY_AGAIN}`,
  'validation-failed': 'Something you entered is not allowed. Check it and try again.',
  'not-found': 'The Pi does not know that page.',
  'method-not-allowed': 'The Pi does not allow that here.',
  'request-timeout': `The request took too long to reach the Pi. ${TRY_AGAIN}`,
  'payload-too-large': 'That is too long for the Pi to accept.',
  'unsupported-media-type': `The Pi could not read the request. ${TRY_AGAIN}`,
  'headers-too-large': `The request was too large for the Pi. ${TRY_AGAIN}`,
  'cross-site-refused': 'The Pi only answers its own app, opened from its own address.',
  'funnel-refused': 'The Pi does not answer from the public internet. Connect through Tailscale.',
  'signature-missing': `${SIGNATURE} ${TRY_AGAIN}`,
  'signature-malformed': `${SIGNATURE} ${TRY_AGAIN}`,
  'unknown-key': 'The Pi does not know this phone any more. Pair it again.',
  'device-revoked': 'This phone was removed from the Pi. Pair it again to use it.',
  'clock-skew': 'The Pi’s clock and this phone’s clock disagree. Trying again usually fixes it.',
  'created-before-start': 'The Pi has just restarted. Trying again usually fixes it.',
  'digest-missing': `${SIGNATURE} ${TRY_AGAIN}`,
  'digest-mismatch': `The request was changed on its way to the Pi. ${TRY_AGAIN}`,
  'signature-invalid': `${SIGNATURE} ${TRY_AGAIN}`,
  'nonce-replayed': `The Pi saw this request twice and refused the copy. ${TRY_AGAIN}`,
  'rate-limited': 'Too many requests from this phone. Wait a moment and try again.',
  'replay-cache-full': 'The Pi is very busy right now. Wait a moment and try again.',
  'pairing-failed': 'That code didn’t work. Codes are single-use and expire after 10 minutes.',
  'device-not-found': 'That device is no longer paired.',
  internal: 'Something went wrong inside the Pi. It keeps running; try again.',
};

/** UNEXPECTED_ANSWER is said when the agent answers something the app's schemas refuse. */
export const UNEXPECTED_ANSWER =
  'The Pi answered something this app does not understand. The app or the Pi may need an update.';

/** NEEDS_NEW_PAIRING lists the codes after which only pairing again helps. */
export const NEEDS_NEW_PAIRING: readonly ErrorCode[] = ['unknown-key', 'device-revoked'];

/** describeError turns anything thrown by api.ts (or a bug) into one sentence for a person. */
export function describeError(error: unknown): string {
  if (error instanceof OfflineError)
    return 'The Pi can’t be reached. Check that this phone is on Tailscale.';
  if (error instanceof AgentKeyChangedError) return 'The Pi answered with a different identity.';
  if (error instanceof WrongAgentError) {
    return 'The Pi that answered did not issue this code. Check the code, or that you opened the right Pi.';
  }
  if (error instanceof ApiError) {
    if (isErrorCode(error.code)) return ERROR_WORDS[error.code];
    return error.code === 'unexpected-answer' ? UNEXPECTED_ANSWER : error.message;
  }
  return 'Something went wrong in this app. Reload and try again.';
}

/** needsNewPairing tells whether an error means this phone's key is no longer accepted. */
export function needsNewPairing(error: unknown): boolean {
  return error instanceof ApiError && (NEEDS_NEW_PAIRING as readonly string[]).includes(error.code);
}
