// restore-test-failed and restore-test-overdue: raised from the drill history and the clock, and
// remembered in drills.json, so a restart raises what stands again without pushing it twice.
import type { AlertSubject } from '../../../../shared/alerts.ts';
import type { StateFile } from '../../adapters/state-store/index.ts';
import type { Config } from '../../config.ts';
import type { Clock, Logger } from '../../ports.ts';
import { type DrillsState, failureDetail } from './drills-state.ts';

const DAY_MS = 24 * 3_600_000;

/** DrillAlertsPort is the part of the alert service drills raise conditions through. */
export interface DrillAlertsPort {
  condition(
    kind: 'restore-test-failed' | 'restore-test-overdue',
    active: boolean,
    subject: AlertSubject,
    options?: { alreadyNotified?: boolean },
  ): void;
}

export interface DrillAlertsOptions {
  config: Pick<Config['recovery'], 'drillOverdueDays'>;
  state: StateFile<DrillsState>;
  clock: Clock;
  lastPassedAt(): number | null;
  alerts: DrillAlertsPort;
  log: Logger;
}

/** DrillAlerts follows the newest drill (failed) and the age of the last passed one (overdue). */
export class DrillAlerts {
  /** null until this process first judged: then a raised alert may have been pushed already. */
  private failedRaised: boolean | null = null;
  private overdueRaised: boolean | null = null;

  constructor(private readonly options: DrillAlertsOptions) {}

  get overdue(): boolean {
    return this.overdueRaised === true;
  }

  /** check runs every sample: after a restart the newest drill's failure stands again. */
  async check(): Promise<void> {
    if (this.failedRaised === null) this.raiseFailed();
    await this.checkOverdue();
  }

  /** raiseFailed follows the newest drill: one that did not pass raises, a pass clears. */
  raiseFailed(): void {
    const { state, alerts } = this.options;
    const last = state.value.drills.at(-1);
    if (!last) return;
    const failed = last.result !== 'passed';
    if (failed === this.failedRaised) return;
    const alreadyNotified = this.failedRaised === null && failed && state.value.alerted.failed;
    this.failedRaised = failed;
    alerts.condition('restore-test-failed', failed, failed ? { detail: failureDetail(last) } : {}, {
      alreadyNotified,
    });
    this.saveAlerted({ failed });
  }

  private async checkOverdue(): Promise<void> {
    const { clock, config, state, alerts } = this.options;
    if (!clock.synced()) return; // the Pi has no RTC: a wrong clock would make every drill overdue
    const now = clock.wall();
    if (state.value.watchingSince === null)
      await state.update((latest) => ({ ...latest, watchingSince: latest.watchingSince ?? now }));
    const since = this.options.lastPassedAt() ?? state.value.watchingSince ?? now;
    const elapsed = Math.max(0, now - since);
    const overdue = elapsed > config.drillOverdueDays * DAY_MS;
    if (overdue === this.overdueRaised) return;
    const alreadyNotified = this.overdueRaised === null && overdue && state.value.alerted.overdue;
    this.overdueRaised = overdue;
    alerts.condition(
      'restore-test-overdue',
      overdue,
      { value: Math.floor(elapsed / DAY_MS) },
      { alreadyNotified },
    );
    this.saveAlerted({ overdue });
  }

  private saveAlerted(change: Partial<DrillsState['alerted']>): void {
    const { state, log } = this.options;
    const { alerted } = state.value;
    if (
      Object.entries(change).every(([key, value]) => alerted[key as keyof typeof alerted] === value)
    )
      return;
    void state
      .update((latest) => ({ ...latest, alerted: { ...latest.alerted, ...change } }))
      .catch((error: unknown) => log.error('cannot write drills.json', error));
  }
}
