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

/**
 * AlertMemory is what survives a restart: the history, the boot whose locked-after-boot is
 * settled, and the snoozes of active alerts (re-applied when they are raised again from the next
 * samples). Active alerts are not kept: their monotonic holds mean nothing in a new process.
 */
export const AlertMemory = v.object({
  history: v.pipe(v.array(Alert), v.maxLength(10_000)),
  lockedAfterBootFor: v.nullable(v.string()),
  snoozes: v.optional(
    v.pipe(v.array(v.object({ id: v.string(), until: v.number() })), v.maxLength(1000)),
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

export type AlertChange = { type: 'raised' | 'resolved' | 'event'; alert: Alert; notify: boolean };

interface ActiveEntry {
  alert: Alert;
  subject: AlertSubject;
  /** Whether the raise was pushed: a silent raise gets a silent clear too. */
  notified: boolean;
}

/** AlertEngine keeps the active alerts and the history; see ARCHITECTURE §10 for its rules. */
export class AlertEngine {
  private readonly current = new Map<string, ActiveEntry>();
  private readonly resolvedAtMono = new Map<string, number>();
  private readonly eventNotifiedAt = new Map<AlertKind, number>();
  private readonly pendingSnoozes = new Map<string, number>();
  private readonly holds: RuleHolds;
  private entries: Alert[];
  /** The latest wall time seen, for telling a snooze that already ended. */
  private lastWall = 0;

  constructor(
    private readonly thresholds: AlertThresholds,
    persisted?: AlertMemory,
  ) {
    this.holds = freshHolds(persisted?.lockedAfterBootFor ?? null);
    this.entries = (persisted?.history ?? []).slice(0, thresholds.historyLimit);
    for (const { id, until } of persisted?.snoozes ?? []) this.pendingSnoozes.set(id, until);
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
   * a pairing: each new device is told, or a second one paired right after the owner's would
   * go unnoticed.
   */
  event(kind: EventKind, subject: AlertSubject, mono: number, wall: number): AlertChange {
    this.lastWall = Math.max(this.lastWall, wall);
    const last = this.eventNotifiedAt.get(kind);
    const notify =
      kind === 'device-paired' ||
      last === undefined ||
      mono - last >= this.thresholds.eventMinIntervalSeconds * 1000;
    if (notify) this.eventNotifiedAt.set(kind, mono);
    const alert = { ...this.makeAlert(kind, kind, subject, wall), state: 'event' as const };
    this.remember(alert);
    return { type: 'event', alert, notify };
  }

  /**
   * setCondition raises or clears a state alert decided elsewhere (the backup rules).
   * `alreadyNotified` raises one that was pushed before a restart without pushing it again,
   * while its clear still notifies.
   */
  setCondition(
    kind: 'backup-failed' | 'backup-stale',
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
   * snooze holds the pushes of an active alert until untilWall; 0 or a time not after nowWall
   * (by default the latest wall time the engine saw) ends the snooze. Answers the alert, or null
   * when no active alert has that id.
   */
  snooze(id: string, untilWall: number, nowWall = this.lastWall): Alert | null {
    const entry = this.current.get(id);
    if (!entry) return null;
    const snoozedUntil = untilWall > 0 && untilWall > nowWall ? untilWall : null;
    entry.alert = { ...entry.alert, snoozedUntil };
    return { ...entry.alert };
  }

  /** active answers the raised alerts, most urgent first: critical ones, then newest. */
  active(): Alert[] {
    return [...this.current.values()]
      .map((entry) => ({ ...entry.alert }))
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
    for (const [id, { alert }] of this.current) {
      if (alert.snoozedUntil !== null) snoozes.set(id, alert.snoozedUntil);
    }
    return {
      history: this.history(),
      lockedAfterBootFor: this.holds.bootDecided,
      snoozes: [...snoozes].map(([id, until]) => ({ id, until })),
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
    const snoozedUntil = this.pendingSnoozes.get(id);
    this.pendingSnoozes.delete(id);
    if (snoozedUntil !== undefined && snoozedUntil > wall) alert.snoozedUntil = snoozedUntil;
    const resolvedAt = this.resolvedAtMono.get(id);
    const flapping =
      resolvedAt !== undefined && mono - resolvedAt < this.thresholds.renotifyMinutes * 60_000;
    const notify = !flapping && alert.snoozedUntil === null;
    this.current.set(id, { alert, subject, notified: notify });
    return { type: 'raised', alert: { ...alert }, notify };
  }

  // The history keeps the raised words; the change carries the resolved words for the push.
  private resolve(id: string, mono: number, wall: number, silent: boolean): AlertChange | null {
    const entry = this.current.get(id);
    if (!entry) return null;
    this.current.delete(id);
    this.resolvedAtMono.set(id, mono);
    const snoozed = entry.alert.snoozedUntil !== null && entry.alert.snoozedUntil > wall;
    const resolved: Alert = {
      ...entry.alert,
      state: 'resolved',
      resolvedAt: wall,
      snoozedUntil: null,
    };
    this.remember(resolved);
    const words = alertWords(resolved.kind, entry.subject, true);
    return {
      type: 'resolved',
      alert: { ...resolved, ...words },
      notify: entry.notified && !silent && !snoozed,
    };
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
    for (const entry of this.current.values()) {
      const until = entry.alert.snoozedUntil;
      if (until !== null && until <= wall) entry.alert = { ...entry.alert, snoozedUntil: null };
    }
    for (const [id, until] of this.pendingSnoozes)
      if (until <= wall) this.pendingSnoozes.delete(id);
  }
}
