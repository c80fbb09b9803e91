// Per-device push planning (ARCHITECTURE §10, §14): which alert changes a device may get and in
// which words, which go out now, which wait for the summary after quiet hours, and which are
// dropped by the hourly cap or held by the device's snooze. Pure: wall times come in.
import { alertForRole, alertIsFor } from '../../../../shared/alerts.ts';
import type { QuietHours } from '../../../../shared/push.ts';
import type { Role } from '../../../../shared/roles.ts';
import type { AlertChange } from './engine.ts';
import { inQuietHours } from './quiet-hours.ts';

/** DeliveryPolicy is what a device chose (its quiet hours, in its own time zone) and its role. */
export interface DeliveryPolicy {
  quietHours: QuietHours | null;
  timeZone: string;
  /** Security alerts go to admins only; a viewer gets some alerts in other words. */
  role: Role;
}

/** PushMessage is one notification for one device; navigate is an app path. */
export interface PushMessage {
  title: string;
  body: string;
  navigate: string;
  /** The alert id: a newer notification with the same tag replaces the older one. */
  tag: string;
  urgency: 'very-low' | 'low' | 'normal' | 'high';
  critical: boolean;
}

export interface DeliveryOptions {
  /** Pushes per device per hour; past it non-critical ones are dropped and counted. */
  maxPerHour?: number;
}

export const DEFAULT_MAX_PER_HOUR = 30;
export const QUIET_SUMMARY_TAG = 'quiet-summary';
const SUMMARY_TITLE = 'While quiet hours were on';
const DROPPED_TITLE = 'Some alerts were not sent';
const SUMMARY_LINES = 5;
// A night of flapping must not grow without bound; lines past this only count.
const MAX_HELD_LINES = 50;
const HOUR = 60 * 60_000;

interface HeldLine {
  id: string;
  title: string;
  /** Raised (or happened) and then resolved while held: shown with "(resolved)". */
  resolved: boolean;
}

interface DeviceLog {
  held: HeldLine[];
  heldOverflow: number;
  dropped: number;
  /** Wall times of the pushes in the last hour, for the cap. */
  sentAt: number[];
}

/** messageFor answers the notification of one change to a device with this role: its words, screen and tag. */
export function messageFor(change: AlertChange, role: Role): PushMessage {
  const resolved = change.type === 'resolved';
  const alert = alertForRole(change.alert, role, resolved);
  return {
    title: alert.title,
    // Only a notification opens a screen on a tap: the app's lists show the body without this.
    body: !resolved && alert.navigate === '/unlock' ? `${alert.body} Tap to unlock.` : alert.body,
    navigate: alert.navigate,
    tag: alert.id,
    urgency: resolved ? 'low' : alert.critical ? 'high' : 'normal',
    critical: alert.critical,
  };
}

/** DeliveryPlanner decides, per device, what to push now and what to summarise later. */
export class DeliveryPlanner {
  private readonly logs = new Map<string, DeviceLog>();
  private readonly maxPerHour: number;

  constructor(options: DeliveryOptions = {}) {
    this.maxPerHour = options.maxPerHour ?? DEFAULT_MAX_PER_HOUR;
  }

  /**
   * plan answers what to push to this device now for a change with notify true: nothing when its
   * role may not get the alert or its own snooze holds it. Critical changes (a resolved one too,
   * so the phone stops saying "overheating") pass quiet hours and the cap.
   */
  plan(deviceId: string, policy: DeliveryPolicy, change: AlertChange, wall: number): PushMessage[] {
    if (!change.notify || !alertIsFor(policy.role, change.alert.kind)) return [];
    if (change.snoozedFor.has(deviceId)) return [];
    const log = this.logFor(deviceId, wall);
    const message = messageFor(change, policy.role);
    if (!message.critical && inQuietHours(policy.quietHours, policy.timeZone, wall)) {
      hold(log, change);
      return [];
    }
    if (!message.critical && log.sentAt.length >= this.maxPerHour) {
      log.dropped++;
      return [];
    }
    log.sentAt.push(wall);
    return [message];
  }

  /**
   * due answers one summary per device whose quiet hours have ended with changes held, or that
   * had pushes dropped by the cap and has room again. A device without a policy is skipped.
   */
  due(
    policies: Map<string, DeliveryPolicy>,
    wall: number,
  ): { deviceId: string; message: PushMessage }[] {
    const summaries: { deviceId: string; message: PushMessage }[] = [];
    for (const [deviceId, log] of this.logs) {
      const policy = policies.get(deviceId);
      if (!policy || (log.held.length === 0 && log.dropped === 0)) continue;
      if (inQuietHours(policy.quietHours, policy.timeZone, wall)) continue;
      this.prune(log, wall);
      if (log.held.length === 0 && log.sentAt.length >= this.maxPerHour) continue;
      summaries.push({ deviceId, message: summaryOf(log) });
      log.sentAt.push(wall);
      Object.assign(log, { held: [], heldOverflow: 0, dropped: 0 });
    }
    return summaries;
  }

  /** forget drops what is held or counted for a device (its subscription is gone). */
  forget(deviceId: string): void {
    this.logs.delete(deviceId);
  }

  private logFor(deviceId: string, wall: number): DeviceLog {
    let log = this.logs.get(deviceId);
    if (!log) {
      log = { held: [], heldOverflow: 0, dropped: 0, sentAt: [] };
      this.logs.set(deviceId, log);
    }
    this.prune(log, wall);
    return log;
  }

  private prune(log: DeviceLog, wall: number): void {
    log.sentAt = log.sentAt.filter((at) => at > wall - HOUR);
  }
}

// One line per alert id: a resolve marks the line of its raise; a resolve whose raise went out
// before quiet hours gets its own line with the resolved words.
function hold(log: DeviceLog, change: AlertChange): void {
  const line = log.held.find((held) => held.id === change.alert.id);
  if (line && change.type === 'resolved') line.resolved = true;
  else if (line) Object.assign(line, { title: change.alert.title, resolved: false });
  else if (log.held.length >= MAX_HELD_LINES) log.heldOverflow++;
  else log.held.push({ id: change.alert.id, title: change.alert.title, resolved: false });
}

function summaryOf(log: DeviceLog): PushMessage {
  const sentences: string[] = [];
  if (log.held.length > 0) {
    const titles = log.held
      .slice(0, SUMMARY_LINES)
      .map((line) => (line.resolved ? `${line.title} (resolved)` : line.title));
    const more = log.held.length - SUMMARY_LINES + log.heldOverflow;
    if (more > 0) titles.push(`+${more} more`);
    sentences.push(titles.join('; '));
  }
  if (log.dropped > 0) {
    const alerts = log.dropped === 1 ? '1 alert was' : `${log.dropped} alerts were`;
    sentences.push(`${alerts} not sent: too many in one hour. Open Alerts to see them.`);
  }
  return {
    title: log.held.length > 0 ? SUMMARY_TITLE : DROPPED_TITLE,
    body: sentences.join('. '),
    navigate: '/alerts',
    tag: QUIET_SUMMARY_TAG,
    urgency: 'normal',
    critical: false,
  };
}
