// Sends one Web Push message (RFC 8030, 8291, 8292): web-push encrypts and signs, and our own
// https request bounds the time, ignores the answer's body and never follows a redirect.
import type { Agent } from 'node:https';
import { request } from 'node:https';
import { MAX_PUSH_PAYLOAD_BYTES } from '../../../../shared/alerts.ts';
import type { VapidKeys } from './vapid.ts';

/** PushTarget is where a browser's PushSubscription says to deliver, and its encryption keys. */
export interface PushTarget {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface SendOptions {
  vapid: VapidKeys;
  /** The VAPID `sub` claim: checked by checkVapidSubject when the config is read. */
  subject: string;
  /** How long the push service keeps the message while the phone is off. */
  ttlSeconds: number;
  urgency: 'very-low' | 'low' | 'normal' | 'high';
  /** Base64url, at most 32 characters: a newer message with the same topic replaces a stored one. */
  topic?: string;
  /** Carries extra CA certificates (config push.caFile); never rejectUnauthorized: false. */
  agent?: Agent;
  /** For the whole request, connect to last byte; default 5000. */
  timeoutMs?: number;
}

export type SendOutcome =
  | { kind: 'delivered'; status: number }
  /** The subscription expired or was removed: drop it. */
  | { kind: 'gone'; status: 404 | 410 }
  /** Our request is wrong (or a redirect): never retried, never dropped. Status 0: not sent. */
  | { kind: 'rejected'; status: number; reason: string }
  /** The service is busy or unreachable: try again later. */
  | { kind: 'retry'; status: number | null; reason: string };

const DEFAULT_TIMEOUT_MS = 5_000;
/** Push services answer a few bytes; more is read no further. */
const MAX_ANSWER_BYTES = 4096;

type WebPush = typeof import('web-push');
let webPush: Promise<WebPush> | undefined;
/** loadWebPush imports web-push (and its JWT and ASN.1 code) on the first push, not at start. */
function loadWebPush(): Promise<WebPush> {
  webPush ??= import('web-push').then(
    (mod) => (mod as WebPush & { default?: WebPush }).default ?? mod,
  );
  return webPush;
}

/** outcomeOfStatus sorts the push service's answer (RFC 8030 §5, §8.3). */
export function outcomeOfStatus(status: number): SendOutcome {
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  if (status === 404 || status === 410) return { kind: 'gone', status };
  if (status === 429 || status >= 500) {
    return { kind: 'retry', status, reason: `the push service answered ${status}` };
  }
  if (status >= 300 && status < 400) {
    return { kind: 'rejected', status, reason: `the push service redirected (${status})` };
  }
  return { kind: 'rejected', status, reason: `the push service answered ${status}` };
}

/** reasonOfError names a network failure by its code only: messages may carry the endpoint. */
function reasonOfError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return 'network error';
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code))
    return `TLS certificate refused (${code})`;
  return `network error (${code})`;
}

/**
 * sendPush encrypts `payload` (aes128gcm) for `target`, signs a VAPID token and POSTs it. It
 * never throws: every failure is an outcome. Payloads over MAX_PUSH_PAYLOAD_BYTES and targets
 * web-push cannot encrypt for are rejected without sending.
 */
export async function sendPush(
  target: PushTarget,
  payload: string,
  options: SendOptions,
): Promise<SendOutcome> {
  const size = Buffer.byteLength(payload, 'utf8');
  if (size > MAX_PUSH_PAYLOAD_BYTES) {
    return { kind: 'rejected', status: 0, reason: `the payload is ${size} bytes, over the limit` };
  }
  let details: ReturnType<WebPush['generateRequestDetails']>;
  let url: URL;
  try {
    const { generateRequestDetails } = await loadWebPush();
    details = generateRequestDetails(target, payload, {
      vapidDetails: { subject: options.subject, ...options.vapid },
      TTL: options.ttlSeconds,
      urgency: options.urgency,
      ...(options.topic === undefined ? {} : { topic: options.topic }),
      contentEncoding: 'aes128gcm',
    });
    url = new URL(details.endpoint);
    if (url.protocol !== 'https:') throw new Error('the endpoint must use https');
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'cannot build the request';
    return { kind: 'rejected', status: 0, reason: `not sent: ${reason}` };
  }
  return postOnce(url, details, options.agent, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
}

/** postOnce sends the request and settles on the answer, an error or the deadline, once. */
function postOnce(
  url: URL,
  details: { method: string; headers: Record<string, string | number>; body: Buffer | null },
  agent: Agent | undefined,
  timeoutMs: number,
): Promise<SendOutcome> {
  return new Promise((resolve) => {
    let answered: SendOutcome | null = null;
    let settled = false;
    const settle = (outcome: SendOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(outcome);
    };
    const req = request(url, { method: details.method, headers: details.headers, agent }, (res) => {
      answered = outcomeOfStatus(res.statusCode ?? 0);
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_ANSWER_BYTES) res.destroy();
      });
      // The status decides; the body is read only so a keep-alive socket can be reused.
      res.on('end', () => settle(answered ?? outcomeOfStatus(0)));
      res.on('close', () => settle(answered ?? outcomeOfStatus(0)));
      res.on('error', () => settle(answered ?? outcomeOfStatus(0)));
    });
    // One deadline for connect, TLS, upload and answer: an idle timeout would let a slow
    // service hold a message (and its device's queue) for ever.
    const deadline = setTimeout(() => {
      settle(answered ?? { kind: 'retry', status: null, reason: 'timeout' });
      req.destroy();
    }, timeoutMs);
    req.on('error', (error) =>
      settle(answered ?? { kind: 'retry', status: null, reason: reasonOfError(error) }),
    );
    req.end(details.body ?? undefined);
  });
}
