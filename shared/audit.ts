// The audit log on the wire (docs/api.md).
import * as v from 'valibot';

export const AUDIT_KINDS = [
  'agent-started',
  'device-paired',
  'device-renamed',
  'device-role-changed',
  'device-revoked',
  'pairing-code-created',
  'pairing-failed',
  'pairing-locked',
  'bad-signatures',
  'state-recovered',
  'unlocked',
  'unlock-failed',
  'unlock-checked',
  'locked',
  'lock-failed',
  'backup-started',
  'backup-schedule-kept',
  'restore-test-started',
  'immich-jobs-paused',
  'immich-jobs-resumed',
  'guard-settings-changed',
] as const;
export const AuditKind = v.picklist(AUDIT_KINDS);
export type AuditKind = v.InferOutput<typeof AuditKind>;

export const AuditEntry = v.object({
  id: v.number(),
  at: v.number(),
  kind: AuditKind,
  deviceId: v.nullable(v.string()),
  /**
   * The device's name when the entry was written, so a renamed or revoked device is still named;
   * absent without a device, and from entries written before entries carried it.
   */
  deviceName: v.optional(v.string()),
  /** Plain text from fixed templates plus names; always rendered as text. */
  detail: v.string(),
});
export type AuditEntry = v.InferOutput<typeof AuditEntry>;

export const AuditQuery = v.object({
  limit: v.optional(
    v.pipe(v.string(), v.regex(/^\d{1,3}$/), v.transform(Number), v.minValue(1), v.maxValue(200)),
  ),
  before: v.optional(v.pipe(v.string(), v.regex(/^\d{1,15}$/), v.transform(Number))),
});

export const AuditResponse = v.object({
  entries: v.array(AuditEntry),
  /** Pass as `before` for the next page, null at the end. */
  nextBefore: v.nullable(v.number()),
});
export type AuditResponse = v.InferOutput<typeof AuditResponse>;
