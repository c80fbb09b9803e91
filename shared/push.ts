// Push subscriptions and their health on the wire (docs/api.md, ARCHITECTURE §10).
import * as v from 'valibot';
import { base64urlBytes } from './api.ts';

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
