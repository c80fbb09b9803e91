// Every failure the app can meet, in plain words: the one place error codes become sentences.

import { type ErrorCode, isErrorCode } from '../../shared/errors.ts';
import {
  AgentKeyChangedError,
  ApiError,
  OfflineError,
  PassphraseLengthError,
  UnlockKeySignatureError,
  WrongAgentError,
} from './api/errors.ts';

const TRY_AGAIN = 'Please try again.';
const SIGNATURE = 'The Pi did not accept this phone’s signature.';
export const PLUG_IN = 'The drive is not connected. Plug it into the Pi, then try again.';
export const HELPER_DOWN =
  'The part of the Pi that opens the drive is not answering. Restarting the Pi usually fixes it.';
const BYTES_RULE = 'A passphrase is 1 to 512 bytes; accented letters and emoji count 2 to 4 each.';

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
  'host-refused': 'The Pi only answers at its own address.',
  'cross-site-refused': 'The Pi only answers its own app, opened from its own address.',
  'funnel-refused': 'The Pi does not answer from the public internet. Connect through Tailscale.',
  'login-not-allowed':
    'This Tailscale login may not use this Pi. Ask its owner to add it to the allowed logins.',
  'role-forbidden':
    'Only an admin device can do that. Ask an admin to do it, or to make this device an admin.',
  'signature-missing': `${SIGNATURE} ${TRY_AGAIN}`,
  'signature-malformed': `${SIGNATURE} ${TRY_AGAIN}`,
  'signature-outdated':
    'This app is out of date. Close it and open it again to load the new version.',
  'unknown-key': 'The Pi does not know this phone any more. Pair it again.',
  'device-revoked': 'This phone was removed from the Pi. Pair it again to use it.',
  'clock-skew': 'The Pi’s clock and this phone’s clock disagree. Trying again usually fixes it.',
  'created-before-start': 'The Pi has just restarted. Trying again usually fixes it.',
  'digest-missing': `${SIGNATURE} ${TRY_AGAIN}`,
  'digest-mismatch': `The request was changed on its way to the Pi. ${TRY_AGAIN}`,
  'signature-invalid': `${SIGNATURE} ${TRY_AGAIN}`,
  'nonce-replayed': `The Pi saw this request twice and refused the copy. ${TRY_AGAIN}`,
  'rate-limited': 'Too many requests from this phone. Wait a moment and try again.',
  'flood-limited':
    'The Pi is getting a flood of requests from unknown senders and is turning new ones away. Wait a minute and try again.',
  'replay-cache-full': 'The Pi is very busy right now. Wait a moment and try again.',
  'pairing-failed': 'That code didn’t work. Codes are single-use and expire after 10 minutes.',
  'device-not-found': 'That device is no longer paired.',
  'last-admin':
    'This is the last admin device. Make another device an admin first, so someone can still unlock the Pi.',
  'unlock-key-stale': `The Pi restarted while the passphrase was on its way. ${TRY_AGAIN}`,
  'sealed-box-invalid': `The Pi could not open the sealed passphrase. ${TRY_AGAIN}`,
  'passphrase-length': `The Pi refused the passphrase’s length. ${BYTES_RULE}`,
  'unlock-rate-limited': 'Too many wrong passphrases. Wait a while before trying again.',
  'operation-in-progress':
    'The Pi is already unlocking or locking the drive. Wait for it to finish.',
  'already-unlocked': 'The drive is already unlocked.',
  'already-locked': 'The drive is already locked.',
  'drive-missing': PLUG_IN,
  'operation-not-found': 'The Pi no longer knows about this unlock or lock. It may have restarted.',
  'helper-unavailable': HELPER_DOWN,
  'kdf-busy': 'The Pi is checking another passphrase right now. Try again in a few seconds.',
  'insufficient-memory':
    'The Pi has too little free memory to check the passphrase right now. Try again in a minute.',
  'push-endpoint-refused':
    'The Pi refused this browser’s push service. Notifications work with the push services of Chrome, Firefox, Safari and Edge.',
  'push-not-subscribed': 'Notifications are not turned on for this device.',
  'push-key-stale': 'The Pi’s notification key changed. Turn notifications off and on again.',
  'alert-not-found': 'That alert is gone: it may have cleared already.',
  'backup-running': 'A backup is running already; wait for it to finish.',
  'backup-drive-locked': 'The drive is locked: unlock it first, then back up.',
  'backup-run-not-found': 'The Pi no longer has that backup run in its history.',
  'backup-schedule-not-moved': 'The nightly backup did not move.',
  'restore-test-running': 'A restore test is running; wait for it to finish.',
  'immich-no-key': 'The Pi has no Immich API key: add one, as the Immich tile says.',
  'immich-unavailable': 'Immich did not do it. See the Immich tile.',
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
  if (error instanceof PassphraseLengthError)
    return error.bytes === 0
      ? 'Enter the passphrase.'
      : `That passphrase is too long. ${BYTES_RULE}`;
  if (error instanceof UnlockKeySignatureError)
    return 'The Pi’s unlock key is not signed by the Pi this phone paired with.';
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
