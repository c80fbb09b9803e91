// backup-failed and backup-stale: raised from the history and the clock, and remembered in the
// state file, so a restart raises what stands again without pushing it twice.
import type { AlertSubject } from '../../../../shared/alerts.ts';
import { goodResult } from '../../../../shared/backups.ts';
import type { StateFile } from '../../adapters/state-store/index.ts';
import type { Config } from '../../config.ts';
import { backupStaleness } from '../../domain/backups/staleness.ts';
import type { Clock, Logger } from '../../ports.ts';
import type { BackupsState } from './history.ts';

/** BackupAlertsPort is the part of the alert service backups raise conditions through. */
export interface BackupAlertsPort {
  condition(
    kind: 'backup-failed' | 'backup-stale',
    active: boolean,
    subject: AlertSubject,
    options?: { alreadyNotified?: boolean },
  ): void;
}

export interface BackupAlertsOptions {
  config: Pick<Config['backup'], 'staleHours' | 'graceHours'>;
  state: StateFile<BackupsState>;
  clock: Clock;
  /** When the newest good backup was taken; null before the first. */
  lastGoodAt(): number | null;
  alerts: BackupAlertsPort;
  log: Logger;
}

/** BackupAlerts follows the newest run (backup-failed) and the age of the last good one (stale). */
export class BackupAlerts {
  /** null until this process first judged: then a raised alert may have been pushed already. */
  private staleRaised: boolean | null = null;
  private failedRaised: boolean | null = null;

  constructor(private readonly options: BackupAlertsOptions) {}

  /** stale is true while backup-stale is raised. */
  get stale(): boolean {
    return this.staleRaised === true;
  }

  /** check runs every sample: after a restart the newest run's failure stands again, then stale. */
  async check(): Promise<void> {
    if (this.failedRaised === null) this.raiseFailed();
    await this.checkStale();
  }

  /** raiseFailed follows the newest run: a run without a snapshot raises, a good run clears. */
  raiseFailed(): void {
    const { state, alerts } = this.options;
    const last = state.value.runs.at(-1);
    if (!last || last.result === 'unknown') return;
    const failed = !goodResult(last.result);
    if (failed === this.failedRaised) return;
    const alreadyNotified = this.failedRaised === null && failed && state.value.alerted.failed;
    this.failedRaised = failed;
    alerts.condition(
      'backup-failed',
      failed,
      { detail: last.reason ?? undefined },
      { alreadyNotified },
    );
    this.saveAlerted({ failed });
  }

  private async checkStale(): Promise<void> {
    const { clock, config, state, alerts } = this.options;
    if (!clock.synced()) return; // the Pi has no RTC: a wrong clock would make every backup stale
    const now = clock.wall();
    if (state.value.watchingSince === null)
      await state.update((latest) => ({ ...latest, watchingSince: latest.watchingSince ?? now }));
    const { stale, hoursSince } = backupStaleness({
      lastGoodAt: this.options.lastGoodAt(),
      watchingSince: state.value.watchingSince ?? now,
      now,
      staleHours: config.staleHours,
      graceHours: config.graceHours,
    });
    if (stale === this.staleRaised) return;
    const alreadyNotified = this.staleRaised === null && stale && state.value.alerted.stale;
    this.staleRaised = stale;
    alerts.condition('backup-stale', stale, { value: hoursSince }, { alreadyNotified });
    this.saveAlerted({ stale });
  }

  private saveAlerted(change: Partial<BackupsState['alerted']>): void {
    const { state, log } = this.options;
    const alerted = { ...state.value.alerted, ...change };
    if (
      alerted.failed === state.value.alerted.failed &&
      alerted.stale === state.value.alerted.stale
    )
      return;
    void state
      .update((latest) => ({ ...latest, alerted: { ...latest.alerted, ...change } }))
      .catch((error: unknown) => log.error('cannot write backups.json', error));
  }
}
