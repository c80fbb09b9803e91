// Alerts end to end (ARCHITECTURE §10, §14): observations and events go into the engine, its
// changes become pushes planned per device (role, quiet hours, snooze, rate limits) and queued;
// nothing here ever waits on a push service, so no request path does either.
import { createHash } from 'node:crypto';
import {
  type Alert,
  type AlertSubject,
  type AlertsResponse,
  alertForRole,
  alertIsFor,
  DECLARATIVE_PUSH_MAGIC,
  type EventKind,
  MAX_PUSH_PAYLOAD_BYTES,
  type PushPayload,
} from '../../../../shared/alerts.ts';
import type {
  PushHealth,
  PushSubscriptionRequest,
  PushSubscriptionResponse,
} from '../../../../shared/push.ts';
import type { Role } from '../../../../shared/roles.ts';
import { checkPushEndpoint } from '../../adapters/push/endpoint-policy.ts';
import type { PushQueue, PushQueueOptions } from '../../adapters/push/queue.ts';
import type { SendOutcome } from '../../adapters/push/send.ts';
import type { StateFile } from '../../adapters/state-store/index.ts';
import type { DeliveryPlanner, DeliveryPolicy, PushMessage } from '../../domain/alerts/delivery.ts';
import type {
  AlertChange,
  AlertEngine,
  AlertMemory,
  ConditionKind,
  Observation,
} from '../../domain/alerts/engine.ts';
import { ApiError } from '../../errors.ts';
import type { Clock, Logger } from '../../ports.ts';
import type { DeviceRegistry } from '../devices.ts';
import type { DriveControl } from '../drive-control/index.ts';
import { type PushStore, subscriptionInfo } from './push-store.ts';

export interface AlertServiceOptions {
  engine: AlertEngine;
  memory: StateFile<AlertMemory>;
  push: PushStore;
  /** Makes the push queue, given what the service does with each push's final outcome. */
  queue: (onOutcome: PushQueueOptions['onOutcome']) => PushQueue;
  planner: DeliveryPlanner;
  clock: Clock;
  /** The app's address: a notification's tap opens a path under it. */
  publicUrl: string;
  /** Push origins allowed besides the known push services (config push.extraOrigins). */
  extraOrigins: readonly string[];
  /** False without a VAPID subject: alerts are still kept and shown, nothing is pushed. */
  pushEnabled: boolean;
  /** A paired device's role, null for one no longer paired (it gets no pushes). */
  roleOf: (deviceId: string) => Role | null;
  log: Logger;
}

const TEST_MESSAGE: PushMessage = {
  title: 'Test notification',
  body: 'Notifications from your Pi reach this device.',
  navigate: '/settings',
  tag: 'test',
  urgency: 'normal',
  critical: false,
};

/** AlertService is the one place alerts are raised, kept, snoozed and pushed. */
export class AlertService {
  private savedMemory: string;
  private readonly queue: PushQueue;

  constructor(private readonly options: AlertServiceOptions) {
    this.savedMemory = JSON.stringify(options.engine.toJSON());
    this.queue = options.queue((deviceId, outcome, at) => this.pushOutcome(deviceId, outcome, at));
  }

  /**
   * followDrive raises what an unlock or lock means: a lock on purpose is no lost drive, Immich
   * back is news, and a wrong passphrase (or too many) is worth a push.
   */
  followDrive(drive: Pick<DriveControl, 'listen'>): void {
    drive.listen((event) => {
      if (event.type === 'lock-started') this.lockStarted();
      else if (event.type === 'immich-back') this.event('immich-back', {});
      else if (event.code === 'wrong-passphrase' || event.code === 'unlock-rate-limited')
        this.event('unlock-failed', event.triesLeft === null ? {} : { value: event.triesLeft });
    });
  }

  /**
   * followDevices pushes a newly paired phone's name and role, and a role change, to the admins,
   * and forgets a revoked device's subscription.
   */
  followDevices(devices: Pick<DeviceRegistry, 'listen'>): void {
    devices.listen({
      paired: (device) => this.event('device-paired', { name: device.name, role: device.role }),
      roleChanged: (device) => this.event('role-changed', { name: device.name, role: device.role }),
      revoked: (device) => void this.unsubscribe(device.id),
    });
  }

  /** pushOutcome keeps a device's push health, and drops a subscription the service says is gone. */
  private pushOutcome(deviceId: string, outcome: SendOutcome, at: number): void {
    if (outcome.kind === 'gone') void this.unsubscribe(deviceId);
    else
      void this.options.push
        .recordOutcome(deviceId, outcome, at)
        .catch((error: unknown) => this.options.log.error('cannot write push.json', error));
  }

  /** observe feeds one monitor sample to the engine and pushes what changed. */
  observe(observation: Observation): void {
    this.dispatch(this.options.engine.observe(observation));
  }

  /** lockStarted tells the rules a lock began: the drive leaving now is on purpose. */
  lockStarted(): void {
    const { clock, engine } = this.options;
    this.dispatch(engine.lockStarted(clock.monotonic(), clock.wall()));
  }

  /** event records an event alert (unlock-failed, device-paired, pairing-locked, …) and pushes it. */
  event(kind: EventKind, subject: AlertSubject): void {
    const { clock, engine } = this.options;
    this.dispatch([engine.event(kind, subject, clock.monotonic(), clock.wall())]);
  }

  /** condition raises or clears an alert decided by the backup service or the thermal guard. */
  condition(
    kind: ConditionKind,
    active: boolean,
    subject: AlertSubject,
    options: { alreadyNotified?: boolean } = {},
  ): void {
    const { clock, engine } = this.options;
    const change = engine.setCondition(
      kind,
      active,
      subject,
      clock.monotonic(),
      clock.wall(),
      options,
    );
    if (change) this.dispatch([change]);
  }

  /** tick sends the summaries of quiet hours that have just ended. */
  tick(): void {
    if (!this.options.pushEnabled) return;
    const policies = new Map(this.recipients());
    for (const { deviceId, message } of this.options.planner.due(
      policies,
      this.options.clock.wall(),
    )) {
      this.send(deviceId, message);
    }
  }

  /** active answers every raised alert, as the agent keeps it (no device's view). */
  active(): Alert[] {
    return this.options.engine.active();
  }

  /** history answers every past alert, as the agent keeps it (no device's view). */
  history(): Alert[] {
    return this.options.engine.history();
  }

  /**
   * activeFor answers the raised alerts a device may see, in its role's words and with its own
   * snoozes: the security alerts are admins' only.
   */
  activeFor(deviceId: string): Alert[] {
    return this.seenBy(deviceId, this.options.engine.active(deviceId));
  }

  /** listFor answers a device's active and past alerts, as activeFor does. */
  listFor(deviceId: string): AlertsResponse {
    return {
      active: this.activeFor(deviceId),
      history: this.seenBy(deviceId, this.options.engine.history()),
    };
  }

  /**
   * snooze holds an active alert's pushes to the asking device for `minutes` (0 ends its
   * snooze); other devices still get them. An alert the device may not see is not found.
   */
  snooze(id: string, deviceId: string, minutes: number): Alert {
    const until = minutes === 0 ? 0 : this.options.clock.wall() + minutes * 60_000;
    const visible = this.activeFor(deviceId).some((alert) => alert.id === id);
    const alert = visible ? this.options.engine.snooze(id, deviceId, until) : null;
    if (!alert) throw new ApiError('alert-not-found', 'No active alert has that id.');
    this.persistMemory();
    return alertForRole(alert, this.roleOf(deviceId));
  }

  /** subscription answers what a device needs to (re)subscribe, and its current subscription. */
  subscription(deviceId: string): PushSubscriptionResponse {
    const stored = this.options.push.get(deviceId);
    return {
      vapidPublicKey: this.options.push.vapid.publicKey,
      subscription: stored ? subscriptionInfo(stored) : null,
    };
  }

  /** subscribe stores a device's subscription after checking where it points and its key. */
  async subscribe(
    deviceId: string,
    request: PushSubscriptionRequest,
  ): Promise<PushSubscriptionResponse> {
    const refused = checkPushEndpoint(request.endpoint, this.options.extraOrigins);
    if (refused) throw new ApiError('push-endpoint-refused', `Push endpoint refused: ${refused}.`);
    if (request.vapidPublicKey !== this.options.push.vapid.publicKey) {
      throw new ApiError(
        'push-key-stale',
        'This subscription was made with another key: subscribe again with vapidPublicKey.',
      );
    }
    await this.options.push.save(deviceId, request, this.options.clock.wall());
    return this.subscription(deviceId);
  }

  /** unsubscribe forgets a device's subscription and anything queued for it. */
  async unsubscribe(deviceId: string): Promise<boolean> {
    this.queue.forget(deviceId);
    this.options.planner.forget(deviceId);
    return this.options.push.remove(deviceId);
  }

  /** health answers how pushes to a device go, null when it has no subscription. */
  health(deviceId: string): PushHealth | null {
    return this.options.push.get(deviceId)?.health ?? null;
  }

  /** sendTest queues a test notification to the asking device. */
  sendTest(deviceId: string): void {
    if (!this.options.push.get(deviceId)) {
      throw new ApiError('push-not-subscribed', 'Turn notifications on for this device first.');
    }
    this.send(deviceId, TEST_MESSAGE);
  }

  private dispatch(changes: AlertChange[]): void {
    if (changes.length === 0) return;
    this.persistMemory();
    if (!this.options.pushEnabled) return;
    const wall = this.options.clock.wall();
    for (const change of changes) {
      if (!change.notify) continue;
      for (const [deviceId, policy] of this.recipients()) {
        for (const message of this.options.planner.plan(deviceId, policy, change, wall)) {
          this.send(deviceId, message);
        }
      }
    }
  }

  /** recipients answers each subscribed, still paired device with what decides its pushes. */
  private recipients(): [deviceId: string, policy: DeliveryPolicy][] {
    return this.options.push.all().flatMap(([deviceId, stored]) => {
      const role = this.options.roleOf(deviceId);
      return role === null
        ? []
        : [[deviceId, { quietHours: stored.quietHours, timeZone: stored.timeZone, role }]];
    });
  }

  /** roleOf answers a device's role; one not (or no longer) paired sees what a viewer sees. */
  private roleOf(deviceId: string): Role {
    return this.options.roleOf(deviceId) ?? 'viewer';
  }

  /** seenBy keeps the alerts a device's role may see, in that role's words. */
  private seenBy(deviceId: string, alerts: Alert[]): Alert[] {
    const role = this.roleOf(deviceId);
    return alerts
      .filter((alert) => alertIsFor(role, alert.kind))
      .map((alert) => alertForRole(alert, role));
  }

  private send(deviceId: string, message: PushMessage): void {
    const stored = this.options.push.get(deviceId);
    if (!stored) return;
    const payload = payloadFor(message, this.options.publicUrl, this.options.clock.wall());
    this.queue.enqueue(deviceId, stored, payload, {
      urgency: message.urgency,
      topic: topicFor(message.tag),
    });
  }

  /** persistMemory writes the engine's memory (history, boot marker, snoozes) when it changed. */
  private persistMemory(): void {
    const memory = this.options.engine.toJSON();
    const text = JSON.stringify(memory);
    if (text === this.savedMemory) return;
    this.savedMemory = text;
    this.options.memory
      .update(() => memory)
      .catch((error: unknown) => this.options.log.error('cannot write alerts.json', error));
  }
}

/**
 * payloadFor makes the Declarative Web Push JSON of a message; it stays under 3 KB by shortening
 * the body (titles and bodies come from fixed templates, names are at most 64 characters).
 */
export function payloadFor(message: PushMessage, publicUrl: string, wall: number): string {
  let body = message.body;
  for (;;) {
    const payload: PushPayload = {
      web_push: DECLARATIVE_PUSH_MAGIC,
      notification: {
        title: message.title,
        body,
        navigate: new URL(message.navigate, publicUrl).href,
        tag: message.tag,
        timestamp: wall,
        lang: 'en',
        dir: 'auto',
      },
    };
    const text = JSON.stringify(payload);
    if (new TextEncoder().encode(text).length <= MAX_PUSH_PAYLOAD_BYTES || body.length === 0) {
      return text;
    }
    body = body.length <= 1 ? '' : `${body.slice(0, Math.floor(body.length * 0.8))}…`;
  }
}

/** topicFor turns a tag into a Topic header (base64url, at most 32): a newer push replaces a queued older one. */
export function topicFor(tag: string): string {
  return createHash('sha256').update(tag).digest('base64url').slice(0, 32);
}
