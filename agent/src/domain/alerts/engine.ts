// The alert engine (ARCHITECTURE §10): turns samples, events and outside conditions into alerts
// that raise and clear, with the fixed words of shared/alerts.ts, a bounded history and flags that
// say which changes deserve a push. Pure: every time comes in as an argument.
import * as v from 'valibot';
import {
  ALERT_SCREEN,
  Alert,
  type AlertKind,
  type AlertSubject,
  alertWords,
  CRITICAL_KINDS,
  type EventKind,
} from '../../../../shared/alerts.ts';
import {
  type AlertThresholds,
  evaluateRules,
  freshHolds,
  lockStarted,
  type Observation,
  type RuleHolds,
} from './rules.ts';

export { type AlertThresholds, DEFAULT_THRESHOLDS, type Observation } from './rules.ts';

/** ConditionKind are the state alerts other services decide: backups, the guard, recovery. */
export type ConditionKind =
  | 'backup-failed'
  | 'backup-stale'
  | 'immich-jobs-paused'
  | 'guard-cannot-act'
  | 'restore-test-failed'
  | 'restore-test-overdue'
  | 'db-dump-stale'
  | 'drive-health-failing'
  | 'drive-sectors-growing';

// Snoozes are per device and per alert: past this many the latest-ending are kept, so
// alerts.json always loads again.
const MAX_SNOOZES = 1000;

/**
 * AlertMemory is what survives a restart: the history, the boot whose locked-after-boot is
 * settled, and each device's snoozes of active alerts (re-applied when they are raised again
 * from the next samples). Active alerts are not kept: their monotonic holds mean nothing in a
 * new process. A snooze without `deviceId` was saved before snoozes were per device (issue 12):
 * it held every device's pushes, so it is given to every device paired at start.
 */
export const AlertMemory = v.object({
  history: v.pipe(v.array(Alert), v.maxLength(10_000)),
  lockedAfterBootFor: v.nullable(v.string()),
  snoozes: v.optional(
    v.pipe(
      v.array(v.object({ id: v.string(), until: v.number(), deviceId: v.optional(v.string()) })),
      v.maxLength(MAX_SNOOZES),
    ),
    [],
  ),
});
export type AlertMemory = v.InferOutput<typeof AlertMemory>;

/** emptyAlertMemory is alerts.json before anything happened. */
export const emptyAlertMemory = (): AlertMemory => ({
  history: [],
  lockedAfterBootFor: null,
  snoozes: [],
});

/**
 * AlertChange is one raise, clear or event. `notify` says whether it deserves a push at all;
 * `snoozedFor` names the devices whose own snooze holds its push back.
 */
export type AlertChange = {
  type: 'raised' | 'resolved' | 'event';
  alert: Alert;
  notify: boolean;
  snoozedFor: ReadonlySet<string>;
};

/** Snoozes maps a device id to the wall time its snooze of one alert ends. */
type Snoozes = Map<string, number>;

interface ActiveEntry {
  alert: Alert;
  subject: AlertSubject;
  /** Whether the raise was pushed: a silent raise gets a silent clear too. */
  notified: boolean;
  snoozes: Snoozes;
  /** Devices a snooze kept the raise from: their clear is silent too. */
  heldAtRaise: ReadonlySet<string>;
}

const NOBODY: ReadonlySet<string> = new Set();

/** Events pushed every time, whatever eventMinIntervalSeconds says: each names another device. */
const EACH_TOLD: ReadonlySet<EventKind> = new Set(['device-paired', 'role-changed']);

/** AlertEngine keeps the active alerts and the history; see ARCHITECTURE §10 for its rules. */
export class AlertEngine {
  private readonly current = new Map<string, ActiveEntry>();
  private readonly resolvedAtMono = new Map<string, number>();
  private readonly eventNotifiedAt = new Map<AlertKind, number>();
  private readonly pendingSnoozes = new Map<string, Snoozes>();
  private readonly holds: RuleHolds;
  private entries: Alert[];
  /** The latest wall time seen, for telling a snooze that already ended. */
  private lastWall = 0;

  /** `deviceIds` are the paired devices, given the snoozes saved before they were per device. */
  constructor(
    private readonly thresholds: AlertThresholds,
    persisted?: AlertMemory,
    deviceIds: readonly string[] = [],
  ) {
    this.holds = freshHolds(persisted?.lockedAfterBootFor ?? null);
    this.entries = (persisted?.history ?? []).slice(0, thresholds.historyLimit);
    for (const { id, until, deviceId } of persisted?.snoozes ?? []) {
      const snoozes = this.pendingSnoozes.get(id) ?? new Map<string, number>();
      for (const device of deviceId === undefined ? deviceIds : [deviceId]) {
        snoozes.set(device, Math.max(until, snoozes.get(device) ?? 0));
      }
      if (snoozes.size > 0) this.pendingSnoozes.set(id, snoozes);
    }
  }

  /** observe feeds one sample and answers the changes it caused (a steady state causes none). */
  observe(o: Observation): AlertChange[] {
    this.lastWall = Math.max(this.lastWall, o.wall);
    this.dropEndedSnoozes(o.wall);
    const decisions = evaluateRules(this.holds, this.thresholds, o, new Set(this.current.keys()));
    const changes: AlertChange[] = [];
    for (const decision of decisions) {
      const change =
        decision.action === 'raise'
          ? this.raise(decision.id, decision.kind, decision.subject, o.mono, o.wall)
          : this.resolve(decision.id, o.mono, o.wall, decision.silent);
      if (change) changes.push(change);
    }
    return changes;
  }

  /** lockStarted hears a lock start (see rules.ts lockStarted) and answers what it cleared. */
  lockStarted(mono: number, wall: number): AlertChange[] {
    this.lastWall = Math.max(this.lastWall, wall);
    const changes: AlertChange[] = [];
    for (const decision of lockStarted(this.holds)) {
      if (decision.action !== 'clear') continue;
      const change = this.resolve(decision.id, mono, wall, decision.silent);
      if (change) changes.push(change);
    }
    return changes;
  }

  /**
   * event records one event kind; it notifies at most once per eventMinIntervalSeconds, except
   * a pairing or a role change: each device is told, or a second one paired (or made an admin)
   * right after the first would go unnoticed.
   */
  event(kind: EventKind, subject: AlertSubject, mono: number, wall: number): AlertChange {
    this.lastWall = Math.max(this.lastWall, wall);
    const last = this.eventNotifiedAt.get(kind);
    const notify =
      EACH_TOLD.has(kind) ||
      last === undefined ||
      mono - last >= this.thresholds.eventMinIntervalSeconds * 1000;
    if (notify) this.eventNotifiedAt.set(kind, mono);
    const alert = { ...this.makeAlert(kind, kind, subject, wall), state: 'event' as const };
    this.remember(alert);
    return { type: 'event', alert, notify, snoozedFor: NOBODY };
  }

  /**
   * setCondition raises or clears a state alert decided elsewhere (the backup rules, the guard).
   * `alreadyNotified` raises one that was pushed before a restart without pushing it again,
   * while its clear still notifies.
   */
  setCondition(
    kind: ConditionKind,
    active: boolean,
    subject: AlertSubject,
    mono: number,
    wall: number,
    options: { alreadyNotified?: boolean } = {},
  ): AlertChange | null {
    this.lastWall = Math.max(this.lastWall, wall);
    if (!active) return this.resolve(kind, mono, wall, false);
    const change = this.raise(kind, kind, subject, mono, wall);
    if (change && options.alreadyNotified) {
      change.notify = false;
      const entry = this.current.get(kind);
      if (entry) entry.notified = true;
    }
    return change;
  }

  /**
   * snooze holds one device's pushes of an active alert until untilWall; 0 or a time not after
   * nowWall (by default the latest wall time the engine saw) ends that device's snooze. Other
   * devices are not affected. Answers the alert as that device sees it, or null when no active
   * alert has that id.
   */
  snooze(id: string, deviceId: string, untilWall: number, nowWall = this.lastWall): Alert | null {
    const entry = this.current.get(id);
    if (!entry) return null;
    if (untilWall > 0 && untilWall > nowWall) entry.snoozes.set(deviceId, untilWall);
    else entry.snoozes.delete(deviceId);
    return this.seenBy(entry, deviceId);
  }

  /**
   * active answers the raised alerts, most urgent first: critical ones, then newest, each with
   * the asking device's snooze (none without a device).
   */
  active(deviceId?: string): Alert[] {
    return [...this.current.values()]
      .map((entry) => this.seenBy(entry, deviceId))
      .reverse()
      .sort((a, b) => Number(b.critical) - Number(a.critical) || b.raisedAt - a.raisedAt);
  }

  /** history answers resolved alerts and events, newest first, at most historyLimit. */
  history(): Alert[] {
    return this.entries.map((alert) => ({ ...alert }));
  }

  /** toJSON answers what survives a restart (see AlertMemory). */
  toJSON(): AlertMemory {
    const snoozes = new Map(this.pendingSnoozes);
    for (const [id, entry] of this.current) snoozes.set(id, entry.snoozes);
    return {
      history: this.history(),
      lockedAfterBootFor: this.holds.bootDecided,
      snoozes: [...snoozes]
        .flatMap(([id, byDevice]) =>
          [...byDevice].map(([deviceId, until]) => ({ id, deviceId, until })),
        )
        .sort((a, b) => b.until - a.until)
        .slice(0, MAX_SNOOZES),
    };
  }

  private raise(
    id: string,
    kind: AlertKind,
    subject: AlertSubject,
    mono: number,
    wall: number,
  ): AlertChange | null {
    if (this.current.has(id)) return null;
    const alert = this.makeAlert(id, kind, subject, wall);
    const snoozes = holding(this.pendingSnoozes.get(id), wall);
    this.pendingSnoozes.delete(id);
    const resolvedAt = this.resolvedAtMono.get(id);
    const flapping =
      resolvedAt !== undefined && mono - resolvedAt < this.thresholds.renotifyMinutes * 60_000;
    const notify = !flapping;
    const snoozedFor = new Set(snoozes.keys());
    this.current.set(id, { alert, subject, notified: notify, snoozes, heldAtRaise: snoozedFor });
    return { type: 'raised', alert: { ...alert }, notify, snoozedFor };
  }

  // The history keeps the raised words; the change carries the resolved words for the push.
  private resolve(id: string, mono: number, wall: number, silent: boolean): AlertChange | null {
    const entry = this.current.get(id);
    if (!entry) return null;
    this.current.delete(id);
    this.resolvedAtMono.set(id, mono);
    const resolved: Alert = { ...entry.alert, state: 'resolved', resolvedAt: wall };
    this.remember(resolved);
    const words = alertWords(resolved.kind, entry.subject, true);
    return {
      type: 'resolved',
      alert: { ...resolved, ...words },
      notify: entry.notified && !silent,
      snoozedFor: new Set([...holding(entry.snoozes, wall).keys(), ...entry.heldAtRaise]),
    };
  }

  /** seenBy answers an active alert with one device's snooze. */
  private seenBy(entry: ActiveEntry, deviceId: string | undefined): Alert {
    const until = deviceId === undefined ? undefined : entry.snoozes.get(deviceId);
    return { ...entry.alert, snoozedUntil: until ?? null };
  }

  private makeAlert(id: string, kind: AlertKind, subject: AlertSubject, wall: number): Alert {
    return {
      id,
      kind,
      critical: CRITICAL_KINDS.includes(kind),
      state: 'active',
      ...alertWords(kind, subject),
      navigate: ALERT_SCREEN[kind],
      raisedAt: wall,
      resolvedAt: null,
      snoozedUntil: null,
    };
  }

  private remember(alert: Alert): void {
    this.entries = [alert, ...this.entries].slice(0, this.thresholds.historyLimit);
  }

  // A snooze that has ended shows as none, so the app never offers to end it.
  private dropEndedSnoozes(wall: number): void {
    for (const entry of this.current.values()) entry.snoozes = holding(entry.snoozes, wall);
    for (const [id, snoozes] of this.pendingSnoozes) {
      const left = holding(snoozes, wall);
      if (left.size === 0) this.pendingSnoozes.delete(id);
      else this.pendingSnoozes.set(id, left);
    }
  }
}

/** holding answers the snoozes that have not ended by `wall`. */
function holding(snoozes: Snoozes | undefined, wall: number): Snoozes {
  return new Map([...(snoozes ?? [])].filter(([, until]) => until > wall));
}
