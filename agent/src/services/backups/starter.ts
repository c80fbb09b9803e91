// "Back up now" and the catch-up after an unlock: checks that a start makes sense, asks the
// helper for it and writes the audit entry.
import type { DriveState } from '../../../../shared/status.ts';
import type { CallHelper } from '../../adapters/helper-client.ts';
import type { Config } from '../../config.ts';
import { ApiError } from '../../errors.ts';
import type { Clock, Logger } from '../../ports.ts';
import type { AuditLog } from '../audit.ts';
import type { DriveControl } from '../drive-control/index.ts';
import type { BackupActivity } from './activity.ts';

/** How long after a start the timer is read again unless told: the start moves its next run. */
const TIMER_REFRESH_AFTER_START_MS = 2000;

const STARTED_WORDS = {
  requested: 'A backup was started from the app.',
  'catch-up': 'A backup started after the unlock, since the daily one was missed.',
  kept: 'The nightly backup started at its usual time, kept from the app.',
} as const;

export interface BackupStarterOptions {
  config: Pick<Config['backup'], 'catchUpAfterHours'>;
  clock: Clock;
  /** The drive now, and whether an unlock or lock runs. */
  readDrive(): Promise<{ state: DriveState; operation: boolean }>;
  /** The backup unit's state now (one `systemctl show`), for "back up now" to decide on. */
  readUnitState(): Promise<BackupActivity['unitState']>;
  /** The root helper: `start-backup` starts the unit (systemctl start --no-block). */
  callHelper: CallHelper;
  activity: BackupActivity;
  /** Reads the spool's new records (a run may have begun or ended since the last sample). */
  ingest(): Promise<void>;
  /** The run going on now, if any. */
  running(): { since: number | null } | null;
  /** Whether a restore drill runs now: the two never overlap (ARCHITECTURE §17). */
  drillRunning?: () => boolean;
  /** When the newest good backup was taken, else since when backups are watched; null if neither. */
  lastGoodOrWatchedSince(): number | null;
  audit: Pick<AuditLog, 'record'>;
  /** Reads the timer's next run again. */
  refreshTimer(): Promise<void>;
  /** How long after a start the timer's next run is read again. */
  timerRefreshDelayMs?: number;
  /** Called just before "back up now" starts the unit (the schedule is noted before it moves). */
  beforeStart?: () => Promise<void>;
  log: Logger;
}

/** BackupStarter starts the backup unit when asked from the app, or when the daily run was missed. */
export class BackupStarter {
  constructor(private readonly options: BackupStarterOptions) {}

  /**
   * startNow starts the backup unit unless the drive is not mounted, an unlock or lock runs, or a
   * backup runs already. Answers when it was asked.
   */
  async startNow(deviceId: string | null): Promise<number> {
    await this.checkCanStart();
    await this.options.beforeStart?.();
    return this.start('requested', deviceId);
  }

  /**
   * startKept starts the run at the nightly time kept from the app, refused as "back up now"
   * would be: while locked the timer's own run skips too, and the catch-up after unlock follows.
   */
  async startKept(): Promise<void> {
    await this.checkCanStart();
    await this.start('kept', null);
  }

  /** checkCanStart throws, in words, why a backup cannot start now; it answers when one can. */
  private async checkCanStart(): Promise<void> {
    const drive = await this.options.readDrive();
    if (drive.operation)
      throw new ApiError(
        'operation-in-progress',
        'The drive is being unlocked or locked; try again when it is done.',
      );
    if (drive.state === 'missing')
      throw new ApiError('drive-missing', 'The drive is not connected.');
    if (drive.state !== 'running' && drive.state !== 'degraded') {
      throw new ApiError(
        'backup-drive-locked',
        'The drive is locked: unlock it first, then back up.',
      );
    }
    this.options.activity.unitState = await this.options.readUnitState();
    await this.options.ingest();
    if (this.options.running())
      throw new ApiError('backup-running', 'A backup is running already.');
    if (this.options.drillRunning?.())
      throw new ApiError(
        'restore-test-running',
        'A restore test is running: back up when it has finished.',
      );
  }

  /** followDrive starts the missed backup once an unlock brought Immich back. */
  followDrive(drive: Pick<DriveControl, 'listen'>): void {
    drive.listen((event) => {
      if (event.type !== 'immich-back') return;
      void this.catchUp().catch((error: unknown) =>
        this.options.log.error('cannot start the missed backup', error),
      );
    });
  }

  /** catchUp starts a backup after an unlock when the last good one is older than a day's run. */
  async catchUp(): Promise<boolean> {
    const { clock, config } = this.options;
    if (!clock.synced() || this.options.running()) return false;
    const since = this.options.lastGoodOrWatchedSince();
    if (since === null || clock.wall() - since < config.catchUpAfterHours * 3600_000) return false;
    await this.start('catch-up', null);
    return true;
  }

  private async start(why: keyof typeof STARTED_WORDS, deviceId: string | null): Promise<number> {
    const answer = await this.options.callHelper({ verb: 'start-backup' });
    if (!answer.ok) {
      throw new ApiError(
        'helper-unavailable',
        `The backup could not be started: ${answer.message}`,
      );
    }
    const wall = this.options.activity.requested();
    void this.options.audit.record('backup-started', STARTED_WORDS[why], deviceId);
    // The timer's next run moves with a manual start (OnUnitActiveSec); read it once it has.
    const delay = this.options.timerRefreshDelayMs ?? TIMER_REFRESH_AFTER_START_MS;
    setTimeout(() => void this.options.refreshTimer(), delay).unref?.();
    return wall;
  }
}
