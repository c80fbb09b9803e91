// The wire contract of API v1: schemas both the agent and the PWA validate against (docs/api.md).
import * as v from 'valibot';
import { Alert } from './alerts.ts';
import { BackupSummary } from './backup-summary.ts';
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
  lock: `${API_PREFIX}/lock`,
  operation: (id: string) => `${API_PREFIX}/operations/${encodeURIComponent(id)}`,
  pushSubscriptions: `${API_PREFIX}/push/subscriptions`,
  pushTest: `${API_PREFIX}/push/test`,
  alerts: `${API_PREFIX}/alerts`,
  alertSnooze: (id: string) => `${API_PREFIX}/alerts/${encodeURIComponent(id)}/snooze`,
  temperatureHistory: `${API_PREFIX}/history/temperature`,
  backups: `${API_PREFIX}/backups`,
  backupRun: (id: string) => `${API_PREFIX}/backups/${encodeURIComponent(id)}`,
} as const;

const BASE64URL = /^[A-Za-z0-9_-]*$/;

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

export const HelloResponse = v.object({
  name: v.string(),
  version: v.string(),
  /** The agent's Ed25519 identity key, raw 32 bytes, base64url. */
  agentKey: PublicKey,
  /** Human-comparable fingerprint of agentKey (shared/protocol/fingerprint.ts). */
  fingerprint: v.string(),
  /** Agent wall clock, ms since the epoch: clients sign with this clock. */
  time: v.number(),
});
export type HelloResponse = v.InferOutput<typeof HelloResponse>;

export const PairRequest = v.strictObject({
  name: DeviceName,
  publicKey: PublicKey,
  /** HMAC-SHA256(code, "immich-pi/pair/v1" ‖ publicKey ‖ agentKey), see shared/protocol/pairing.ts. */
  proof: Mac,
});
export type PairRequest = v.InferOutput<typeof PairRequest>;

export const PairResponse = v.object({
  deviceId: KeyId,
  /** The name the device was saved under (a name given to the code by the CLI wins). */
  name: v.string(),
  /** HMAC-SHA256(code, "immich-pi/pair/v1/agent" ‖ agentKey ‖ publicKey). */
  agentProof: Mac,
});
export type PairResponse = v.InferOutput<typeof PairResponse>;

export const DRIVE_STATES = [
  'missing',
  'locked',
  'unlocking',
  'running',
  'degraded',
  'failed',
  'locking',
] as const;
export const DriveState = v.picklist(DRIVE_STATES);
export type DriveState = v.InferOutput<typeof DriveState>;

export const DiskUsage = v.object({
  id: v.picklist(['sd', 'drive']),
  mountPoint: v.string(),
  usedBytes: v.number(),
  totalBytes: v.number(),
  usedPercent: v.number(),
});
export type DiskUsage = v.InferOutput<typeof DiskUsage>;

export const Warning = v.object({ code: v.string(), message: v.string(), at: v.number() });
export type Warning = v.InferOutput<typeof Warning>;

export const UNIT_STATES = [
  'active',
  'activating',
  'deactivating',
  'inactive',
  'failed',
  'unknown',
] as const;

export const UnitStatus = v.object({
  /** The systemd unit, e.g. immich-server.service. */
  unit: v.string(),
  /** What a person calls it: "Postgres", "Immich", "Machine learning". */
  label: v.string(),
  state: v.picklist(UNIT_STATES),
});
export type UnitStatus = v.InferOutput<typeof UnitStatus>;

/** How delivery to one device goes: Home warns when failingSince is set. */
export const PushHealth = v.object({
  lastSentAt: v.nullable(v.number()),
  lastFailedAt: v.nullable(v.number()),
  /** Set from the first failure after the last success; null while pushes arrive. */
  failingSince: v.nullable(v.number()),
  /** A short reason for the last failure ("the push service answered 500", "timeout"). */
  lastError: v.nullable(v.string()),
});
export type PushHealth = v.InferOutput<typeof PushHealth>;

export const StatusResponse = v.object({
  /** Agent wall clock when the answer was made, ms. */
  time: v.number(),
  /** When the system was last sampled, ms (agent clock). */
  sampledAt: v.number(),
  bootId: v.string(),
  uptimeSeconds: v.nullable(v.number()),
  drive: v.object({ state: DriveState }),
  /** CPU temperature in °C, null when the thermal zone cannot be read. */
  temperatureC: v.nullable(v.number()),
  /** Under-voltage alarm from hwmon rpi_volt, null when there is no such sensor. */
  undervoltage: v.nullable(v.boolean()),
  disks: v.array(DiskUsage),
  /** Things the owner should know that are not alerts yet, e.g. a recovered state file. */
  warnings: v.array(Warning),
  /** The configured services, in start order (postgresql, immich-server, machine learning). */
  units: v.array(UnitStatus),
  /** The unlock or lock running now, to follow with GET /operations/{id}; null when none. */
  operation: v.nullable(v.object({ id: v.string(), kind: v.picklist(['unlock', 'lock']) })),
  /** Wrong-passphrase budget: tries left before a wait, and the wait when it applies. */
  unlock: v.object({ triesLeft: v.number(), retryAfterSeconds: v.nullable(v.number()) }),
  /** The active alerts, most urgent first. */
  alerts: v.optional(v.array(Alert), []),
  /** Push delivery to the device asking; null when it has no subscription. */
  push: v.optional(v.nullable(PushHealth), null),
  /** Backups at a glance: last good one, next run, one running now. */
  backup: v.optional(v.nullable(BackupSummary), null),
});
export type StatusResponse = v.InferOutput<typeof StatusResponse>;

export const Device = v.object({
  id: KeyId,
  name: v.string(),
  pairedAt: v.number(),
  lastSeenAt: v.nullable(v.number()),
  /** True for the device that made the request. */
  current: v.boolean(),
});
export type Device = v.InferOutput<typeof Device>;

export const DevicesResponse = v.object({ devices: v.array(Device) });
export type DevicesResponse = v.InferOutput<typeof DevicesResponse>;

export const RenameDeviceRequest = v.strictObject({ name: DeviceName });
export type RenameDeviceRequest = v.InferOutput<typeof RenameDeviceRequest>;

export const DeviceResponse = v.object({ device: Device });
export type DeviceResponse = v.InferOutput<typeof DeviceResponse>;

export const RevokeResponse = v.object({ revoked: KeyId });
export type RevokeResponse = v.InferOutput<typeof RevokeResponse>;

export const PairingCodeRequest = v.strictObject({ name: v.optional(DeviceName) });
export type PairingCodeRequest = v.InferOutput<typeof PairingCodeRequest>;

export const PairingCodeResponse = v.object({
  /** XXXX-XXXX, Crockford base32. Shown to a person, never sent back: see shared/protocol/pairing.ts. */
  code: v.string(),
  expiresAt: v.number(),
  fingerprint: v.string(),
});
export type PairingCodeResponse = v.InferOutput<typeof PairingCodeResponse>;

export const AUDIT_KINDS = [
  'agent-started',
  'device-paired',
  'device-renamed',
  'device-revoked',
  'pairing-code-created',
  'pairing-failed',
  'pairing-locked',
  'bad-signatures',
  'state-recovered',
  'unlocked',
  'unlock-failed',
  'locked',
  'lock-failed',
  'backup-started',
] as const;
export const AuditKind = v.picklist(AUDIT_KINDS);
export type AuditKind = v.InferOutput<typeof AuditKind>;

export const AuditEntry = v.object({
  id: v.number(),
  at: v.number(),
  kind: AuditKind,
  deviceId: v.nullable(v.string()),
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

export const ErrorResponse = v.object({
  error: v.object({ code: v.string(), message: v.string() }),
});

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

/** "HH:MM", 24-hour, in the phone's time zone. */
const ClockTime = v.pipe(v.string(), v.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM'));

/** QuietHours hold back non-critical pushes from start to end (end may be the next day). */
export const QuietHours = v.object({ start: ClockTime, end: ClockTime });
export type QuietHours = v.InferOutput<typeof QuietHours>;

/** An IANA time zone name as the phone reports it (Intl.DateTimeFormat().resolvedOptions()). */
export const TimeZone = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+){0,2}$/, 'must be an IANA time zone'),
  v.maxLength(64),
);

/**
 * The browser's PushSubscription and what the agent needs to deliver to it. The PWA re-sends it
 * at every launch (Safari has no pushsubscriptionchange), with the VAPID key it subscribed with.
 */
export const PushSubscriptionRequest = v.strictObject({
  endpoint: v.pipe(v.string(), v.url(), v.maxLength(2048)),
  keys: v.strictObject({
    /** The browser's P-256 ECDH key, uncompressed: 65 bytes. */
    p256dh: base64urlBytes(65),
    /** The auth secret: 16 bytes. */
    auth: base64urlBytes(16),
  }),
  /** The applicationServerKey it was made with: a stale one must subscribe again. */
  vapidPublicKey: base64urlBytes(65),
  timeZone: TimeZone,
  quietHours: v.nullable(QuietHours),
});
export type PushSubscriptionRequest = v.InferOutput<typeof PushSubscriptionRequest>;

export const PushSubscriptionInfo = v.object({
  /** Only the endpoint's origin is shown back; the full URL is a capability. */
  endpointOrigin: v.string(),
  timeZone: v.string(),
  quietHours: v.nullable(QuietHours),
  createdAt: v.number(),
  health: PushHealth,
});
export type PushSubscriptionInfo = v.InferOutput<typeof PushSubscriptionInfo>;

/** GET/POST /push/subscriptions answer: this device's subscription and the key to subscribe with. */
export const PushSubscriptionResponse = v.object({
  vapidPublicKey: base64urlBytes(65),
  subscription: v.nullable(PushSubscriptionInfo),
});
export type PushSubscriptionResponse = v.InferOutput<typeof PushSubscriptionResponse>;

export const PushTestResponse = v.object({ queued: v.literal(true) });
export type PushTestResponse = v.InferOutput<typeof PushTestResponse>;

export const AlertsResponse = v.object({
  active: v.array(Alert),
  /** Newest first, bounded (the agent keeps the last 200). */
  history: v.array(Alert),
});
export type AlertsResponse = v.InferOutput<typeof AlertsResponse>;

/** Snooze an alert's pushes for 15 minutes to 7 days (0 ends a snooze). */
export const SnoozeRequest = v.strictObject({
  minutes: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(7 * 24 * 60)),
});
export type SnoozeRequest = v.InferOutput<typeof SnoozeRequest>;

export const SnoozeResponse = v.object({ alert: Alert });
export type SnoozeResponse = v.InferOutput<typeof SnoozeResponse>;

/** One chart point: the temperatures sampled in one bucket. */
export const TemperaturePoint = v.object({
  at: v.number(),
  minC: v.number(),
  maxC: v.number(),
  meanC: v.number(),
});
export type TemperaturePoint = v.InferOutput<typeof TemperaturePoint>;

export const TemperatureHistoryResponse = v.object({
  bucketSeconds: v.number(),
  /** Oldest first, at most 24 h. */
  points: v.array(TemperaturePoint),
});
export type TemperatureHistoryResponse = v.InferOutput<typeof TemperatureHistoryResponse>;
