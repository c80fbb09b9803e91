// The raise and clear rules of the ARCHITECTURE §10 table, one function per state alert. Pure:
// they read an observation and the holds kept between samples (monotonic ms), and answer which
// alerts should be raised or cleared; the engine turns that into alerts, history and notify flags.
import type { AlertKind, AlertSubject } from '../../../../shared/alerts.ts';
import type { DriveState, UnitStatus } from '../../../../shared/status.ts';

export interface AlertThresholds {
  tempHighC: number;
  /** Raise after >= tempHighC continuously this long; 0 raises at once. */
  tempHighHoldSeconds: number;
  tempClearC: number;
  tempClearHoldSeconds: number;
  /** Under-voltage raises at once; it clears after the alarm is off continuously this long. */
  undervoltageClearSeconds: number;
  diskFullPercent: number;
  diskClearPercent: number;
  serviceDownSeconds: number;
  /** A state alert raised again this soon after it cleared (flapping) is recorded but silent. */
  renotifyMinutes: number;
  /** The same event kind notifies at most once per this. */
  eventMinIntervalSeconds: number;
  historyLimit: number;
}

/** DEFAULT_THRESHOLDS are the numbers of the §10 table. */
export const DEFAULT_THRESHOLDS: AlertThresholds = {
  tempHighC: 80,
  tempHighHoldSeconds: 120,
  tempClearC: 72,
  tempClearHoldSeconds: 300,
  undervoltageClearSeconds: 300,
  diskFullPercent: 90,
  diskClearPercent: 85,
  serviceDownSeconds: 120,
  renotifyMinutes: 10,
  eventMinIntervalSeconds: 60,
  historyLimit: 200,
};

/** Observation is one sample of the system: mono (monotonic ms) for holds, wall (epoch ms) for display. */
export interface Observation {
  mono: number;
  wall: number;
  bootId: string;
  /** null: unreadable; breaks a hold (neither raises nor clears). */
  temperatureC: number | null;
  /** null: no sensor. */
  undervoltage: boolean | null;
  disks: { id: 'sd' | 'drive'; usedPercent: number }[];
  drive: DriveState;
  /** The unlock or lock running now, if any. */
  operation: 'unlock' | 'lock' | null;
  /**
   * The kind of the operation this agent started last, running or ended; null before the first.
   * A lock and the samples around it need not meet: this tells a sample it comes after one.
   */
  lastOperation: 'unlock' | 'lock' | null;
  /** Configured services with their label; only meaningful while the drive is running. */
  units: { unit: string; label: string; state: UnitStatus['state'] }[];
}

/** RuleHolds is what the rules remember between samples; only bootDecided outlives a restart. */
export interface RuleHolds {
  tempHighSince: number | null;
  tempLowSince: number | null;
  powerGoodSince: number | null;
  /** drive-gone can fire only after the drive was seen up, and not after a deliberate lock. */
  driveArmed: boolean;
  unitDownSince: Map<string, number>;
  /** The boot id whose locked-after-boot question is settled (raised, or the drive was handled). */
  bootDecided: string | null;
}

/** freshHolds answers the holds of an engine that has seen no sample yet. */
export function freshHolds(bootDecided: string | null): RuleHolds {
  return {
    tempHighSince: null,
    tempLowSince: null,
    powerGoodSince: null,
    driveArmed: false,
    unitDownSince: new Map(),
    bootDecided,
  };
}

/** A RuleDecision asks the engine to raise or clear one alert; it ignores ones that change nothing. */
export type RuleDecision =
  | { action: 'raise'; id: string; kind: AlertKind; subject: AlertSubject }
  | { action: 'clear'; id: string; silent: boolean };

const UP: readonly DriveState[] = ['running', 'degraded'];

/**
 * evaluateRules runs every state rule on one observation, updating the holds; `active` holds the
 * ids of the alerts raised now. Clears are silent when the words would be wrong (the owner
 * locked on purpose: the drive is not "back", the disk did not get "room again").
 */
export function evaluateRules(
  holds: RuleHolds,
  t: AlertThresholds,
  o: Observation,
  active: ReadonlySet<string>,
): RuleDecision[] {
  return [
    ...lockedAfterBoot(holds, o),
    ...temperature(holds, t, o),
    ...undervoltage(holds, t, o),
    ...diskFull(t, o),
    ...driveGone(holds, o),
    ...serviceDown(holds, t, o, active),
  ];
}

const isLocking = (o: Observation) => o.operation === 'lock' || o.drive === 'locking';
const isUnlocking = (o: Observation) => o.operation === 'unlock' || o.drive === 'unlocking';
const isBusy = (o: Observation) => isLocking(o) || isUnlocking(o);

// Once per boot id: a boot is settled by the first sample that shows the drive (a drive still
// enumerating at boot shows as missing and settles nothing). Only a locked drive with no
// operation raises; a drive already being unlocked or up means the owner has it in hand.
function lockedAfterBoot(holds: RuleHolds, o: Observation): RuleDecision[] {
  const decisions: RuleDecision[] = [];
  if (o.bootId !== holds.bootDecided && o.drive !== 'missing') {
    holds.bootDecided = o.bootId;
    if (o.drive === 'locked' && !isBusy(o)) {
      decisions.push({
        action: 'raise',
        id: 'locked-after-boot',
        kind: 'locked-after-boot',
        subject: {},
      });
    }
  }
  if (UP.includes(o.drive))
    decisions.push({ action: 'clear', id: 'locked-after-boot', silent: false });
  return decisions;
}

// Between tempClearC and tempHighC neither hold runs: hysteresis keeps the alert as it is.
function temperature(holds: RuleHolds, t: AlertThresholds, o: Observation): RuleDecision[] {
  const celsius = o.temperatureC;
  const high = celsius !== null && celsius >= t.tempHighC;
  const low = celsius !== null && celsius < t.tempClearC;
  holds.tempHighSince = high ? (holds.tempHighSince ?? o.mono) : null;
  holds.tempLowSince = low ? (holds.tempLowSince ?? o.mono) : null;
  if (celsius === null) return [];
  if (
    holds.tempHighSince !== null &&
    o.mono - holds.tempHighSince >= t.tempHighHoldSeconds * 1000
  ) {
    return [
      {
        action: 'raise',
        id: 'temp-high',
        kind: 'temp-high',
        subject: { value: Math.round(celsius) },
      },
    ];
  }
  if (holds.tempLowSince !== null && o.mono - holds.tempLowSince >= t.tempClearHoldSeconds * 1000) {
    return [{ action: 'clear', id: 'temp-high', silent: false }];
  }
  return [];
}

function undervoltage(holds: RuleHolds, t: AlertThresholds, o: Observation): RuleDecision[] {
  if (o.undervoltage === null) {
    holds.powerGoodSince = null;
    return [];
  }
  if (o.undervoltage) {
    holds.powerGoodSince = null;
    return [{ action: 'raise', id: 'undervoltage', kind: 'undervoltage', subject: {} }];
  }
  holds.powerGoodSince ??= o.mono;
  if (o.mono - holds.powerGoodSince < t.undervoltageClearSeconds * 1000) return [];
  return [{ action: 'clear', id: 'undervoltage', silent: false }];
}

// A disk not listed keeps its state until seen again, except the drive once it is locked.
function diskFull(t: AlertThresholds, o: Observation): RuleDecision[] {
  const decisions: RuleDecision[] = [];
  for (const disk of o.disks) {
    const id = `disk-full:${disk.id}`;
    if (disk.usedPercent >= t.diskFullPercent) {
      const subject = { name: disk.id, value: Math.round(disk.usedPercent) };
      decisions.push({ action: 'raise', id, kind: 'disk-full', subject });
    } else if (disk.usedPercent < t.diskClearPercent) {
      decisions.push({ action: 'clear', id, silent: false });
    }
  }
  if (o.drive === 'locked')
    decisions.push({ action: 'clear', id: 'disk-full:drive', silent: true });
  return decisions;
}

// Armed by seeing the drive up; a lock disarms it (on purpose), an unlock re-arms only once up.
// A lock is shorter than a sample interval, so no sample need see it running: the last
// operation tells. After a lock only an unlock re-arms (or a restart, which forgets both): a
// sample's probe may be older than its report, and one taken mid-lock shows the drive still up.
function driveGone(holds: RuleHolds, o: Observation): RuleDecision[] {
  if (isLocking(o) || o.lastOperation === 'lock') {
    holds.driveArmed = false;
    return [{ action: 'clear', id: 'drive-gone', silent: true }];
  }
  if (UP.includes(o.drive) && !isBusy(o)) {
    holds.driveArmed = true;
    return [{ action: 'clear', id: 'drive-gone', silent: false }];
  }
  if (holds.driveArmed && !isBusy(o) && (o.drive === 'missing' || o.drive === 'locked')) {
    return [{ action: 'raise', id: 'drive-gone', kind: 'drive-gone', subject: {} }];
  }
  return [];
}

/**
 * lockStarted is the drive-gone rule hearing of a lock as it starts, not at the next sample:
 * the drive leaving is on purpose, and a drive-gone already raised (a drop, then a lock to
 * clean up) goes at once, silently, since the drive is not "back".
 */
export function lockStarted(holds: RuleHolds): RuleDecision[] {
  holds.driveArmed = false;
  return [{ action: 'clear', id: 'drive-gone', silent: true }];
}

// 'activating' never starts a hold (a unit starting up is not down) but does not break one either:
// systemd shows a unit waiting to restart after a crash as activating (auto-restart), and a unit
// crashing in a loop is down.
function serviceDown(
  holds: RuleHolds,
  t: AlertThresholds,
  o: Observation,
  active: ReadonlySet<string>,
): RuleDecision[] {
  if (!UP.includes(o.drive) || isBusy(o)) {
    holds.unitDownSince.clear();
    // The drive leaving running is told by drive-gone or by the lock itself.
    return [...active]
      .filter((id) => id.startsWith('service-down:'))
      .map((id) => ({ action: 'clear', id, silent: true }));
  }
  const decisions: RuleDecision[] = [];
  for (const unit of o.units) {
    const id = `service-down:${unit.unit}`;
    if (unit.state === 'active') {
      holds.unitDownSince.delete(unit.unit);
      decisions.push({ action: 'clear', id, silent: false });
      continue;
    }
    if (unit.state !== 'activating' && !holds.unitDownSince.has(unit.unit)) {
      holds.unitDownSince.set(unit.unit, o.mono);
    }
    const since = holds.unitDownSince.get(unit.unit);
    if (since !== undefined && o.mono - since >= t.serviceDownSeconds * 1000) {
      decisions.push({ action: 'raise', id, kind: 'service-down', subject: { name: unit.label } });
    }
  }
  return decisions;
}
