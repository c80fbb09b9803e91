// Recoverability as one service (ARCHITECTURE §17): the restore drills, the database dump watch
// and the drive's SMART health, ticked by the monitor and read by the routes.
import type { BackupSummary } from '../../../../shared/backup-summary.ts';
import type { DriveHealth, DumpStatus, Recovery } from '../../../../shared/recovery.ts';
import type { DriveState } from '../../../../shared/status.ts';
import type { UnitState } from '../../adapters/units.ts';
import type { DriveControl } from '../drive-control/index.ts';
import type { DrillService } from './drill-service.ts';

/** How many drills GET /backups carries; the rest stay in drills.json. */
const DRILLS_SHOWN = 10;

/** A watch ticked each sample with the drive's state, answering what it last saw. */
export interface Watch<T> {
  tick(drive: DriveState): Promise<void>;
  /** afterUnlock: an unlock brought Immich back; read again at the next tick. */
  afterUnlock(): void;
  current(): T;
}

export interface RecoveryServiceOptions {
  drills: DrillService;
  dumps: Watch<DumpStatus>;
  health: Watch<DriveHealth | null>;
  /** The verify timer's next run (wall ms), null when not scheduled. */
  readNextRun(): Promise<number | null>;
}

/** What the monitor saw this sample. */
export interface RecoveryObservation {
  drive: DriveState;
  verifyUnit: UnitState;
}

export type RecoveryIssue = NonNullable<BackupSummary['recoveryIssue']>;

/** How often the verify timer's next run is read again: it moves once a month. */
const TIMER_REFRESH_MS = 30 * 60_000;

/** RecoveryService is the one recovery object the monitor, the routes and the wiring know. */
export class RecoveryService {
  private nextAt: number | null = null;
  private nextReadAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: RecoveryServiceOptions) {}

  /** tick runs every monitor sample; one part failing does not stop the others. */
  async tick(observation: RecoveryObservation, nowMono: number): Promise<void> {
    const { drills, dumps, health } = this.options;
    await Promise.all([
      drills.tick(observation.verifyUnit),
      dumps.tick(observation.drive),
      health.tick(observation.drive),
      this.refreshTimer(nowMono),
    ]);
  }

  /**
   * followDrive reads the dumps and SMART again after each unlock, even when the lock and the
   * unlock fell between two samples and no tick saw the drive locked.
   */
  followDrive(drive: Pick<DriveControl, 'listen'>): void {
    drive.listen((event) => {
      if (event.type !== 'immich-back') return;
      this.options.dumps.afterUnlock();
      this.options.health.afterUnlock();
    });
  }

  /** recovery answers GET /backups' recovery part. */
  recovery(): Recovery {
    const { drills } = this.options;
    const all = drills.drills();
    const lastDrill = all.at(-1) ?? null;
    return {
      lastDrill,
      lastPassedAt: drills.lastPassedAt(),
      overdue: drills.overdue,
      nextAt: this.nextAt,
      running: drills.running(),
      dump: this.options.dumps.current(),
      drills: all.slice(-DRILLS_SHOWN).reverse(),
    };
  }

  health(): DriveHealth | null {
    return this.options.health.current();
  }

  /** issue is the most urgent recovery problem standing, for Home's backup tile. */
  issue(): RecoveryIssue | null {
    const health = this.health();
    if (health?.state === 'failing') return 'drive-health-failing';
    const last = this.options.drills.drills().at(-1);
    if (last && last.result !== 'passed') return 'restore-test-failed';
    if (this.options.dumps.current().stale) return 'db-dump-stale';
    if (health?.state === 'warning') return 'drive-sectors-growing';
    if (this.options.drills.overdue) return 'restore-test-overdue';
    return null;
  }

  /** startDrill is "Test a restore now" (DrillService.startNow). */
  startDrill(deviceId: string | null): Promise<number> {
    return this.options.drills.startNow(deviceId);
  }

  /** ingest reads new drill records now (a request should see a drill that just ended). */
  ingest(): Promise<void> {
    return this.options.drills.ingest();
  }

  drillRunning(): boolean {
    return this.options.drills.running() !== null;
  }

  private async refreshTimer(nowMono: number): Promise<void> {
    if (nowMono < this.nextReadAt) return;
    this.nextReadAt = nowMono + TIMER_REFRESH_MS;
    this.nextAt = await this.options.readNextRun().catch(() => this.nextAt);
  }
}
