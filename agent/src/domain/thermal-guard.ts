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
  /** Immich's queues now, or null when they cannot be read (no key, key refused, no answer). */
  queues: readonly { name: string; paused: boolean }[] | null;
}

export type GuardStep =
  | { kind: 'pause'; queues: string[] }
  | { kind: 'resume'; queues: string[] }
  | { kind: 'cap' }
  | { kind: 'uncap' };

export class ThermalGuard {
  constructor(settings: GuardSettings, heavyQueues: readonly string[], record: GuardRecord) {
    void settings;
    void heavyQueues;
    void record;
    throw new Error('not built yet');
  }

  /** record is what to persist; it changes only in done(), overridden() and forget(). */
  get record(): GuardRecord {
    throw new Error('not built yet');
  }

  /** hot is true from a held high temperature (or throttling) until a held cool-down. */
  get hot(): boolean {
    throw new Error('not built yet');
  }

  setSettings(settings: GuardSettings): void {
    void settings;
  }

  /** decide answers the steps for this reading, in order; none when all is as it should be. */
  decide(reading: GuardReading): GuardStep[] {
    void reading;
    return [];
  }

  /** done tells how a step went; a failed pause makes the next decide cap and retry. */
  done(step: GuardStep, ok: boolean, wall: number): void {
    void step;
    void ok;
    void wall;
  }

  /** overridden: an admin resumed the heavy queues by hand; forget them, hold off until cool. */
  overridden(wall: number): void {
    void wall;
  }

  /** forget drops the queues at a lock: a locked drive has nothing to resume. */
  forget(): void {}
}
