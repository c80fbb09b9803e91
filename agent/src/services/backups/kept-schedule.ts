// "Keep the nightly time": a manual start moves a timer that counts from the last run (the seed's
// OnUnitActiveSec) by a day's worth, and systemd cannot move it back. Kept, the agent starts the
// backup itself at the time the timer had; that start puts the timer back on its old time.
import { SCHEDULE_MOVED_MS } from '../../../../shared/backups.ts';
import type { StateFile } from '../../adapters/state-store/index.ts';
import { ApiError } from '../../errors.ts';
import type { Clock, Logger } from '../../ports.ts';
import type { BackupsState } from './history.ts';

/** A kept time missed by more than this (the Pi was off) is dropped, not run late. */
const LATE_MS = 60 * 60_000;

export interface KeptScheduleOptions {
  state: StateFile<BackupsState>;
  clock: Clock;
  /** The timer's own next run, wall ms; null when unknown. */
  timerNext(): number | null;
  /** Starts the kept run; rejects with the reason it cannot start now. */
  start(): Promise<void>;
  log: Logger;
}

/** KeptSchedule holds the nightly time a manual start moved, when the app asked to keep it. */
export class KeptSchedule {
  /** The schedule's next run when the last manual start came. */
  private movedFrom: number | null = null;
  private starting = false;

  constructor(private readonly options: KeptScheduleOptions) {}

  /** at is the kept time, wall ms; null when none is kept. */
  get at(): number | null {
    return this.options.state.value.keptAt ?? null;
  }

  /** nextAt is when the next backup runs: the kept time or the timer's, whichever comes first. */
  nextAt(): number | null {
    const timer = this.options.timerNext();
    const kept = this.at;
    if (kept === null) return timer;
    return timer === null ? kept : Math.min(kept, timer);
  }

  /** noteStart remembers the next run as it was just before a manual start. */
  noteStart(): void {
    this.movedFrom = this.nextAt();
  }

  /** keep holds the time the last manual start moved the timer from; refused when it did not. */
  async keep(): Promise<number> {
    const from = this.movedFrom;
    const timer = this.options.timerNext();
    const now = this.options.clock.wall();
    if (from === null || from <= now || timer === null || timer - from < SCHEDULE_MOVED_MS) {
      throw new ApiError(
        'backup-schedule-not-moved',
        'The nightly backup did not move: there is no time to keep.',
      );
    }
    await this.options.state.update((s) => ({ ...s, keptAt: from }));
    return from;
  }

  /** tick starts the kept run once its time came, and drops a kept time long missed. */
  async tick(): Promise<void> {
    const kept = this.at;
    const now = this.options.clock.wall();
    if (kept === null || now < kept || this.starting || !this.options.clock.synced()) return;
    this.starting = true;
    try {
      await this.options.state.update((s) => ({ ...s, keptAt: null }));
      this.movedFrom = null;
      if (now - kept > LATE_MS) {
        this.options.log.info('the kept backup time passed while the agent was not running');
        return;
      }
      await this.options.start();
    } catch (error) {
      this.options.log.error('cannot start the backup at the kept time', error);
    } finally {
      this.starting = false;
    }
  }
}
