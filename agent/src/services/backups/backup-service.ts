// Backups as the agent sees them (ARCHITECTURE §11), put together from their parts: the spool
// ingest, the backup alerts, the starter and the read side. The monitor ticks it each sample.
import type { DriveState } from '../../../../shared/status.ts';
import type { CallHelper } from '../../adapters/helper-client.ts';
import type { StateFile } from '../../adapters/state-store/index.ts';
import type { UnitState } from '../../adapters/units.ts';
import type { Config } from '../../config.ts';
import type { Clock, Logger } from '../../ports.ts';
import type { AuditLog } from '../audit.ts';
import type { DriveControl } from '../drive-control/index.ts';
import { BackupActivity } from './activity.ts';
import { BackupAlerts, type BackupAlertsPort } from './backup-alerts.ts';
import type { BackupsState } from './history.ts';
import { KeptSchedule } from './kept-schedule.ts';
import { NextRun } from './next-run.ts';
import { BackupQueries } from './queries.ts';
import { type BackupSpool, SpoolIngest } from './spool-ingest.ts';
import { BackupStarter } from './starter.ts';

export type { BackupSpool } from './spool-ingest.ts';

export interface BackupServiceOptions {
  config: Config['backup'];
  state: StateFile<BackupsState>;
  clock: Clock;
  spool: BackupSpool;
  /** The timer's next run, wall ms; null when not scheduled. */
  readNextRun(): Promise<number | null>;
  /** The root helper: `start-backup` starts the unit (systemctl start --no-block). */
  callHelper: CallHelper;
  /** The backup unit's state now (one `systemctl show`), for "back up now" to decide on. */
  readUnitState(): Promise<UnitState>;
  /** The drive now and whether an unlock or lock runs, for "back up now" to decide on. */
  readDrive(): Promise<{ state: DriveState; operation: boolean }>;
  /** This boot's id (read once at start: it cannot change under a running process); '' if unknown. */
  bootId: string;
  /** CLOCK_MONOTONIC in ms: comparable with the monoMs report-backup records. */
  systemMonotonicMs(): number;
  alerts: BackupAlertsPort;
  audit: Pick<AuditLog, 'record'>;
  log: Logger;
  /** How long after a start the timer's next run is read again (it moves with the start). */
  timerRefreshDelayMs?: number;
  /** Whether a restore drill runs now: "back up now" waits for it (ARCHITECTURE §17). */
  drillRunning?: () => boolean;
}

/** What the monitor saw this sample. */
export interface BackupObservation {
  unitState: UnitState;
  drive: DriveState;
}

/** BackupService is the one backups object the monitor, the routes and the wiring know. */
export class BackupService {
  private readonly activity: BackupActivity;
  private readonly nextRun: NextRun;
  private readonly spool: SpoolIngest;
  private readonly backupAlerts: BackupAlerts;
  private readonly queries: BackupQueries;
  private readonly starter: BackupStarter;
  private readonly kept: KeptSchedule;

  constructor(private readonly options: BackupServiceOptions) {
    const { clock, state, log } = options;
    this.activity = new BackupActivity(clock);
    this.nextRun = new NextRun({ read: options.readNextRun, clock, log });
    this.kept = new KeptSchedule({
      state,
      clock,
      log,
      timerNext: () => this.nextRun.at,
      start: () => this.starter.startKept(),
    });
    const running = () => this.activity.running(this.spool.underWay());
    this.queries = new BackupQueries({
      state,
      clock,
      running,
      nextAt: () => this.kept.nextAt(),
      stale: () => this.backupAlerts.stale,
    });
    this.backupAlerts = new BackupAlerts({
      config: options.config,
      state,
      clock,
      lastGoodAt: () => this.queries.lastGoodAt(),
      alerts: options.alerts,
      log,
    });
    this.spool = new SpoolIngest({
      ...options,
      activity: this.activity,
      onRunsAdded: async () => {
        this.backupAlerts.raiseFailed();
        // A run that ended moved the timer (OnUnitActiveSec): the answer that shows the run shows it.
        await this.nextRun.refresh();
      },
    });
    this.starter = new BackupStarter({
      ...options,
      activity: this.activity,
      ingest: () => this.ingest(),
      running,
      lastGoodOrWatchedSince: () => this.queries.lastGoodAt() ?? state.value.watchingSince,
      refreshTimer: () => this.refreshTimer(),
      // Read now, not from the ten-minute cache: what the start moves the timer from.
      beforeStart: async () => {
        await this.nextRun.refresh();
        this.kept.noteStart();
      },
    });
  }

  /** tick runs every monitor sample: new reports, the alerts, and the timer now and then. */
  async tick(observation: BackupObservation): Promise<void> {
    this.activity.unitState = observation.unitState;
    await this.ingest();
    await this.backupAlerts.check();
    await this.nextRun.refreshIfDue();
    await this.kept.tick();
  }

  /** ingest reads the spool's new records, one pass at a time. */
  ingest(): Promise<void> {
    return this.spool.ingest();
  }

  summary() {
    return this.queries.summary();
  }

  page(limit: number, before?: number) {
    return this.queries.page(limit, before);
  }

  run(id: string) {
    return this.queries.run(id);
  }

  /** startNow is "back up now" (BackupStarter.startNow). */
  startNow(deviceId: string | null): Promise<number> {
    return this.starter.startNow(deviceId);
  }

  /**
   * keepSchedule keeps the nightly time the last "back up now" moved the timer from: the agent
   * starts the backup then, which puts the timer back on it. Answers the kept time.
   */
  async keepSchedule(deviceId: string | null): Promise<number> {
    const keptAt = await this.kept.keep();
    void this.options.audit.record(
      'backup-schedule-kept',
      'The nightly backup keeps its time: the Pi starts it then, not a day after the manual one.',
      deviceId,
    );
    return keptAt;
  }

  /** catchUp starts the missed daily backup (BackupStarter.catchUp). */
  catchUp(): Promise<boolean> {
    return this.starter.catchUp();
  }

  /** followDrive starts the missed backup once an unlock brought Immich back. */
  followDrive(drive: Pick<DriveControl, 'listen'>): void {
    this.starter.followDrive(drive);
  }

  refreshTimer(): Promise<void> {
    return this.nextRun.refresh();
  }
}
