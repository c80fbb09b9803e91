// push.json: the agent's VAPID keys and each paired device's push subscription with its health.
// One subscription per device; revoking a device removes it (ARCHITECTURE §10).
import * as v from 'valibot';
import {
  type PushHealth,
  type PushSubscriptionInfo,
  type PushSubscriptionRequest,
  QuietHours,
} from '../../../../shared/push.ts';
import type { SendOutcome } from '../../adapters/push/send.ts';
import { newVapidKeys, VapidKeysSchema } from '../../adapters/push/vapid.ts';
import type { StateFile } from '../../adapters/state-store/index.ts';

const Health = v.object({
  lastSentAt: v.nullable(v.number()),
  lastFailedAt: v.nullable(v.number()),
  failingSince: v.nullable(v.number()),
  lastError: v.nullable(v.string()),
});

const StoredSubscription = v.object({
  endpoint: v.string(),
  keys: v.object({ p256dh: v.string(), auth: v.string() }),
  timeZone: v.string(),
  quietHours: v.nullable(QuietHours),
  createdAt: v.number(),
  health: Health,
});
export type StoredSubscription = v.InferOutput<typeof StoredSubscription>;

export const PushState = v.object({
  vapid: VapidKeysSchema,
  subscriptions: v.record(v.string(), StoredSubscription),
});
export type PushState = v.InferOutput<typeof PushState>;

export const emptyPushState = (): PushState => ({ vapid: newVapidKeys(), subscriptions: {} });

const NO_HEALTH: PushHealth = {
  lastSentAt: null,
  lastFailedAt: null,
  failingSince: null,
  lastError: null,
};

/** PushStore keeps push.json: reads from memory, every change written durably. */
export class PushStore {
  constructor(private readonly file: StateFile<PushState>) {}

  get vapid() {
    return this.file.value.vapid;
  }

  /** subscriptions answers every device's subscription. */
  all(): [deviceId: string, subscription: StoredSubscription][] {
    return Object.entries(this.file.value.subscriptions);
  }

  get(deviceId: string): StoredSubscription | null {
    return Object.hasOwn(this.file.value.subscriptions, deviceId)
      ? (this.file.value.subscriptions[deviceId] ?? null)
      : null;
  }

  /** save stores a device's subscription; the same endpoint keeps its health and age. */
  async save(deviceId: string, request: PushSubscriptionRequest, wall: number) {
    const previous = this.get(deviceId);
    const same = previous?.endpoint === request.endpoint;
    const stored: StoredSubscription = {
      endpoint: request.endpoint,
      keys: { p256dh: request.keys.p256dh, auth: request.keys.auth },
      timeZone: request.timeZone,
      quietHours: request.quietHours,
      createdAt: same && previous ? previous.createdAt : wall,
      health: same && previous ? previous.health : { ...NO_HEALTH },
    };
    await this.change((subscriptions) => ({ ...subscriptions, [deviceId]: stored }));
    return stored;
  }

  /** remove forgets a device's subscription; false when it had none. */
  async remove(deviceId: string): Promise<boolean> {
    if (!this.get(deviceId)) return false;
    await this.change(({ [deviceId]: _gone, ...rest }) => rest);
    return true;
  }

  /** recordOutcome updates a device's health after a send. */
  async recordOutcome(deviceId: string, outcome: SendOutcome, wall: number) {
    const current = this.get(deviceId);
    if (!current) return;
    const health: PushHealth =
      outcome.kind === 'delivered'
        ? { ...current.health, lastSentAt: wall, failingSince: null, lastError: null }
        : {
            ...current.health,
            lastFailedAt: wall,
            failingSince: current.health.failingSince ?? wall,
            lastError: describeFailure(outcome),
          };
    await this.change((subscriptions) => ({
      ...subscriptions,
      [deviceId]: { ...current, health },
    }));
  }

  private change(edit: (subscriptions: PushState['subscriptions']) => PushState['subscriptions']) {
    return this.file.update((latest) => ({ ...latest, subscriptions: edit(latest.subscriptions) }));
  }
}

/** describeFailure words a failed send for Home's warning: status codes and kinds, no URLs. */
function describeFailure(outcome: Exclude<SendOutcome, { kind: 'delivered' }>): string {
  if (outcome.kind === 'gone')
    return `the push service forgot this subscription (${outcome.status})`;
  // Status 0 or null: refused before sending, or no answer at all.
  const status = outcome.status ? ` (${outcome.status})` : '';
  return `${outcome.kind === 'retry' ? 'the push service did not take it' : 'the push service refused it'}${status}: ${outcome.reason}`;
}

/** subscriptionInfo is what a device sees of its subscription: the endpoint's origin only. */
export function subscriptionInfo(stored: StoredSubscription): PushSubscriptionInfo {
  // A stored endpoint that is not a URL (an old or hand-edited file) shows as no origin.
  const endpointOrigin = URL.canParse(stored.endpoint) ? new URL(stored.endpoint).origin : '';
  return {
    endpointOrigin,
    timeZone: stored.timeZone,
    quietHours: stored.quietHours,
    createdAt: stored.createdAt,
    health: stored.health,
  };
}
