// The wire contract of API v1: every endpoint's path and the primitives each resource's schemas
// (pairing, status, devices, audit, unlock, push, alerts, backups) are built from (docs/api.md).
import * as v from 'valibot';
import { fromBase64url } from './protocol/base64url.ts';

export const API_PREFIX = '/api/v1';

/** ROUTES names every endpoint path, so neither side spells one by hand. */
export const ROUTES = {
  hello: `${API_PREFIX}/hello`,
  pair: `${API_PREFIX}/pair`,
  status: `${API_PREFIX}/status`,
  devices: `${API_PREFIX}/devices`,
  device: (id: string) => `${API_PREFIX}/devices/${encodeURIComponent(id)}`,
  pairingCodes: `${API_PREFIX}/devices/pairing-codes`,
  audit: `${API_PREFIX}/audit`,
  unlockKey: `${API_PREFIX}/unlock/key`,
  unlock: `${API_PREFIX}/unlock`,
  unlockCheck: `${API_PREFIX}/unlock/check`,
  lock: `${API_PREFIX}/lock`,
  operation: (id: string) => `${API_PREFIX}/operations/${encodeURIComponent(id)}`,
  pushSubscriptions: `${API_PREFIX}/push/subscriptions`,
  pushTest: `${API_PREFIX}/push/test`,
  alerts: `${API_PREFIX}/alerts`,
  alertSnooze: (id: string) => `${API_PREFIX}/alerts/${encodeURIComponent(id)}/snooze`,
  temperatureHistory: `${API_PREFIX}/history/temperature`,
  backups: `${API_PREFIX}/backups`,
  restoreTests: `${API_PREFIX}/backups/restore-tests`,
  keepBackupSchedule: `${API_PREFIX}/backups/keep-schedule`,
  backupRun: (id: string) => `${API_PREFIX}/backups/${encodeURIComponent(id)}`,
  immichJobs: `${API_PREFIX}/immich/jobs`,
  immichGuard: `${API_PREFIX}/immich/guard`,
} as const;

/** Unpadded base64url text. */
export const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** base64urlBytes is a schema for unpadded base64url text that decodes to exactly `bytes` bytes. */
export const base64urlBytes = (bytes: number) =>
  v.pipe(
    v.string(),
    v.regex(BASE64URL, 'must be base64url'),
    v.length(Math.ceil((bytes * 4) / 3), `must encode ${bytes} bytes`),
    v.check((text) => fromBase64url(text) !== null, 'must be canonical base64url'),
  );

// Control, format, surrogate, private-use and unassigned code points are refused in names:
// they hide text (bidi overrides, zero-width joiners) or are not text at all.
const NOT_PLAIN_TEXT = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]/u;

/** isPlainText tells whether a string is text without lone surrogates, invisible or control characters. */
export function isPlainText(value: string): boolean {
  return !NOT_PLAIN_TEXT.test(value);
}

/** DeviceName is what a person calls a phone: 1-64 characters of plain text, trimmed. */
export const DeviceName = v.pipe(
  v.string(),
  v.check(isPlainText, 'must be plain text'),
  v.transform((s) => s.normalize('NFC').trim()),
  v.minLength(1, 'must not be empty'),
  v.maxLength(64, 'must be at most 64 characters'),
);

export const PublicKey = base64urlBytes(32);
export const Mac = base64urlBytes(32);
export const KeyId = v.pipe(v.string(), v.regex(BASE64URL), v.length(22, 'must be a key id'));

export const ErrorResponse = v.object({
  error: v.object({ code: v.string(), message: v.string() }),
});
