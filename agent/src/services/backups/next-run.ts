// The backup timer's next run for Home, read now and then, and said once when it cannot be read.
import type { Clock, Logger } from '../../ports.ts';

const REFRESH_EVERY_MS = 10 * 60_000;

/** NextRun caches the timer's next elapse; a start or an ended run moves it, so they refresh. */
export class NextRun {
  /** Wall ms of the timer's next run; null when unknown. */
  at: number | null = null;
  private readAt = -Infinity;
  private problem: string | null = null;

  constructor(
    private readonly options: {
      read(): Promise<number | null>;
      clock: Clock;
      log: Logger;
    },
  ) {}

  /** refreshIfDue reads the timer when the last read is ten minutes old. */
  async refreshIfDue(): Promise<void> {
    if (this.options.clock.monotonic() - this.readAt > REFRESH_EVERY_MS) await this.refresh();
  }

  /** refresh reads the timer now; a failure shows as unknown and is logged once per problem. */
  async refresh(): Promise<void> {
    this.readAt = this.options.clock.monotonic();
    try {
      this.at = await this.options.read();
      this.problem = null;
    } catch (error) {
      this.at = null;
      // Said once, not every ten minutes: a timer that cannot be read stays so until fixed.
      const problem = (error as Error).message;
      if (problem !== this.problem) this.options.log.error('cannot read the backup timer', error);
      this.problem = problem;
    }
  }
}
