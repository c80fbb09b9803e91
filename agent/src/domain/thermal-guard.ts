// The thermal guard's decisions (ARCHITECTURE §16), pure: from the temperature, the SoC's throttle
// flag and Immich's queues, on the monotonic clock, which heavy queues to pause or resume and
// when to cap Immich's CPU. The service carries the steps out and tells the outcome back.
import type { GuardSettings } from '../../../shared/immich.ts';

export type { GuardSettings } from '../../../shared/immich.ts';

/** GuardRecord is what survives a restart (the service keeps it in guard.json). */
export interface GuardRecord {
  /** The queues the guard paused and has not resumed: the only ones it will ever resume. */
  paused: string[];
  /** The guard's CPU cap is on. */
  capped: boolean;
  /** Since when it holds something (wall ms); null when it holds nothing. */
  since: number | null;
  reason: 'hot' | 'throttled' | null;
  /** An admin resumed while hot: no pause or cap again until a cool-down. */
  overridden: boolean;
}

export const EMPTY_GUARD_RECORD: GuardRecord = {
  paused: [],
  capped: false,
  since: null,
  reason: null,
  overridden: false,
};

export interface GuardReading {
  mono: number;
  wall: number;
  /** null when the thermal zone cannot be read. */
  temperatureC: number | null;
  /** The SoC says it throttles; null where the kernel does not tell. */
  throttled: boolean | null;
  /** The drive is unlocked and running: Immich's units are up and there is something to pause. */
  driveUp: boolean;
  /**
   * Immich's queues now, or null when they cannot be read (no key, key refused, no answer). Read
   * them after the last step was carried out: a list from before a pause would look like a person
   * resumed the queues.
   */
  queues: readonly { name: string; paused: boolean }[] | null;
}

export type GuardStep =
  | { kind: 'pause'; queues: string[] }
  | { kind: 'resume'; queues: string[] }
  | { kind: 'cap' }
  | { kind: 'uncap' };

type Reason = 'hot' | 'throttled';

/**
 * ThermalGuard holds the hot/cool state with its holds, and the record of what it did. The steps
 * it answers are worked out from that state and the reading, so asking twice before done() gives
 * the same steps. decide() changes the record only for what it sees Immich say: a queue of the
 * record a person resumed, or one a failed pause did pause after all; the service saves the record
 * after decide() as well as after done().
 */
export class ThermalGuard {
  private settings: GuardSettings;
  private readonly heavy: readonly string[];
  private rec: GuardRecord;
  private isHot: boolean;
  private hotReason: Reason | null;
  /** Where the current run at or above pauseC (or below resumeC) began, on the monotonic clock. */
  private highSince: number | null = null;
  private lowSince: number | null = null;
  private lastMono: number | null = null;
  /** The last pause failed: cap meanwhile, and retry it. */
  private pauseFailed = false;
  /**
   * Queues of a failed pause. Immich may have paused them all the same (an answer lost to a
   * timeout); seen paused later, they are ours, or they would stay paused for ever.
   */
  private readonly unsure = new Set<string>();

  constructor(settings: GuardSettings, heavyQueues: readonly string[], record: GuardRecord) {
    this.settings = settings;
    this.heavy = [...new Set(heavyQueues)];
    this.rec = copyRecord(record);
    // A record that holds something was written while hot: stay hot until a held cool-down, so a
    // restart never resumes early.
    this.isHot = holds(this.rec);
    this.hotReason = this.isHot ? (this.rec.reason ?? 'hot') : null;
  }

  /** record is what to persist; decide() (see above), done(), overridden(), forget() change it. */
  get record(): GuardRecord {
    return copyRecord(this.rec);
  }

  /** hot is true from a held high temperature (or throttling) until a held cool-down. */
  get hot(): boolean {
    return this.isHot;
  }

  /** setSettings takes new settings; new thresholds start the holds again (timed against others). */
  setSettings(settings: GuardSettings): void {
    const before = this.settings;
    this.settings = settings;
    const timing = ['pauseC', 'resumeC', 'pauseHoldSeconds', 'resumeHoldSeconds'] as const;
    if (timing.some((key) => before[key] !== settings[key])) {
      this.highSince = null;
      this.lowSince = null;
    }
    if (!settings.enabled) this.pauseFailed = false;
  }

  /** decide answers the steps for this reading, in order; none when all is as it should be. */
  decide(reading: GuardReading): GuardStep[] {
    this.track(reading);
    const { enabled } = this.settings;
    const queues = reading.driveUp ? reading.queues : null;
    if (queues) this.observe(queues, reading.wall);

    const acting = this.isHot && enabled && reading.driveUp && !this.rec.overridden;
    if (!acting) return this.standDown(reading.driveUp, queues);

    const toPause = this.heavy.filter((name) =>
      queues?.some((q) => q.name === name && !q.paused && !this.rec.paused.includes(name)),
    );
    // Without the queues the only lever is the cap; after a failed pause it holds the heat down
    // while the pause is retried.
    const needCap = queues === null || (this.pauseFailed && toPause.length > 0);
    const steps: GuardStep[] = [];
    if (needCap && !this.rec.capped) steps.push({ kind: 'cap' });
    if (toPause.length > 0) steps.push({ kind: 'pause', queues: toPause });
    if (!needCap && this.rec.capped && toPause.length === 0) steps.push({ kind: 'uncap' });
    return steps;
  }

  /**
   * done tells how a step went; a failed pause makes the next decide cap and retry. A step may be
   * told in parts (the same kind with some of its queues each), as Immich pauses one queue a call.
   */
  done(step: GuardStep, ok: boolean, wall: number): void {
    if (step.kind === 'pause') {
      if (!ok) {
        this.pauseFailed = true;
        for (const name of step.queues) this.unsure.add(name);
        return;
      }
      this.pauseFailed = false;
      for (const name of step.queues) {
        this.unsure.delete(name);
        if (!this.rec.paused.includes(name)) this.rec.paused.push(name);
      }
      this.holdSince(wall);
    } else if (!ok) {
      // A failed resume keeps its queues in the record, a failed cap or uncap its flag: the next
      // decide asks again.
      return;
    } else if (step.kind === 'resume') {
      this.rec.paused = this.rec.paused.filter((name) => !step.queues.includes(name));
    } else {
      this.rec.capped = step.kind === 'cap';
      if (this.rec.capped) this.holdSince(wall);
    }
    this.settle();
  }

  /** overridden: an admin resumed the heavy queues by hand; forget them, hold off until cool. */
  overridden(wall: number): void {
    this.rec.paused = [];
    this.unsure.clear();
    this.pauseFailed = false;
    if (this.isHot) this.holdOff(wall);
    this.settle();
  }

  /**
   * forget drops the queues at a lock: a locked drive has nothing to resume. The cap flag stays:
   * systemd keeps a runtime CPUQuota on a stopped unit until reboot, so the guard must still lift
   * it (decide answers 'uncap' while the drive is down).
   */
  forget(): void {
    this.rec.paused = [];
    this.rec.overridden = false;
    this.unsure.clear();
    this.pauseFailed = false;
    this.settle();
  }

  /** track moves the hot/cool state on with this reading's temperature and throttle flag. */
  private track(reading: GuardReading): void {
    const { mono, throttled } = reading;
    // A clock that went back (or is not a number) cannot time a hold: start the holds again.
    if (!Number.isFinite(mono) || (this.lastMono !== null && mono < this.lastMono)) {
      this.highSince = null;
      this.lowSince = null;
    }
    if (Number.isFinite(mono)) this.lastMono = mono;
    else return;

    const t = reading.temperatureC;
    const { pauseC, resumeC, pauseHoldSeconds, resumeHoldSeconds } = this.settings;
    if (throttled === true) {
      this.lowSince = null;
      this.heatUp('throttled');
    }
    if (t === null || !Number.isFinite(t)) {
      // Unreadable: nothing proves a change either way.
      this.highSince = null;
      this.lowSince = null;
    } else if (t >= pauseC) {
      this.lowSince = null;
      this.highSince ??= mono;
      if (mono - this.highSince >= pauseHoldSeconds * 1000) this.heatUp('hot');
    } else if (t < resumeC && throttled !== true) {
      this.highSince = null;
      this.lowSince ??= mono;
      if (mono - this.lowSince >= resumeHoldSeconds * 1000) this.coolDown();
    } else {
      // The band between resumeC and pauseC (or cool but throttling) keeps the state as it is.
      this.highSince = null;
      this.lowSince = null;
    }
  }

  private heatUp(reason: Reason): void {
    if (this.isHot) return;
    this.isHot = true;
    this.hotReason = reason;
  }

  private coolDown(): void {
    if (!this.isHot) return;
    this.isHot = false;
    this.hotReason = null;
    this.pauseFailed = false;
    this.rec.overridden = false;
    this.settle();
  }

  /** observe brings the record in line with what Immich says of the queues. */
  private observe(queues: NonNullable<GuardReading['queues']>, wall: number): void {
    const pausedNow = (name: string) => queues.find((q) => q.name === name)?.paused;
    for (const name of this.unsure) {
      const paused = pausedNow(name);
      if (paused === undefined) continue;
      this.unsure.delete(name);
      if (paused && !this.rec.paused.includes(name)) {
        this.rec.paused.push(name);
        this.holdSince(wall);
      }
    }
    const resumed = this.rec.paused.filter((name) => pausedNow(name) === false);
    if (resumed.length === 0) return;
    this.rec.paused = this.rec.paused.filter((name) => !resumed.includes(name));
    // Resumed while hot by someone else: a person wants Immich to work, so hold off until cool.
    if (this.isHot && this.settings.enabled && !this.rec.overridden) this.holdOff(wall);
    this.settle();
  }

  /** standDown is the steps when the guard does not act: cool, off, drive down or overridden. */
  private standDown(driveUp: boolean, queues: GuardReading['queues']): GuardStep[] {
    const steps: GuardStep[] = [];
    if (this.rec.capped) steps.push({ kind: 'uncap' });
    // Overridden while still hot, the queues left in the record wait for the cool-down.
    const release = !this.isHot || !this.settings.enabled;
    if (!driveUp || queues === null || !release) return steps;
    // A queue of the record Immich no longer lists has nothing to resume.
    const gone = this.rec.paused.filter((name) => !queues.some((q) => q.name === name));
    if (gone.length > 0) {
      this.rec.paused = this.rec.paused.filter((name) => !gone.includes(name));
      this.settle();
    }
    if (this.rec.paused.length > 0) steps.push({ kind: 'resume', queues: [...this.rec.paused] });
    return steps;
  }

  private holdSince(wall: number): void {
    this.rec.since ??= wall;
    this.rec.reason ??= this.hotReason ?? 'hot';
  }

  /** holdOff marks the override; `since` becomes its time, as the tile shows since when. */
  private holdOff(wall: number): void {
    this.rec.overridden = true;
    this.rec.since = wall;
    this.rec.reason ??= this.hotReason ?? 'hot';
  }

  /** settle clears since and reason once the record holds nothing. */
  private settle(): void {
    if (holds(this.rec)) return;
    this.rec.since = null;
    this.rec.reason = null;
  }
}

const holds = (r: GuardRecord): boolean => r.paused.length > 0 || r.capped || r.overridden;

const copyRecord = (r: GuardRecord): GuardRecord => ({ ...r, paused: [...r.paused] });
