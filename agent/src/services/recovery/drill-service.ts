// Restore drills as the agent sees them (ARCHITECTURE §17): the verify unit's spool read into
// drills.json, whether one runs, "Test a restore now", and the restore-test alerts.
import type { Drill } from '../../../../shared/recovery.ts';
import type { DriveState } from '../../../../shared/status.ts';
import type { StateFile } from '../../adapters/state-store/index.ts';
import type { UnitState } from '../../adapters/units.ts';
import type { Config } from '../../config.ts';
import { DRILL_SPOOL_NAME, DrillRecord } from '../../domain/recovery/drill-record.ts';
import { ApiError } from '../../errors.ts';
import type { HelperAnswer } from '../../helper/answers.ts';
import { parseJson } from '../../parse-json.ts';
import type { Clock, Logger } from '../../ports.ts';
import type { AuditLog } from '../audit.ts';
import { DrillAlerts, type DrillAlertsPort } from './drill-alerts.ts';
import { type DrillsState, drillFromRecord, failedDrill } from './drills-state.ts';

/** A start asked for shows as running this long, until the unit says so. */
const REQUESTED_GRACE_MS = 15_000;
/** A drill whose unit ended this long ago without a record left none: it was killed. */
const UNREPORTED_AFTER_MS = 2 * 60_000;

/** DrillSpool is the directory the verify unit fills: its file names and one file's text. */
export interface DrillSpool {
  list(): Promise<string[]>;
  read(name: string): Promise<string>;
}

export interface DrillServiceOptions {
  config: Pick<Config['recovery'], 'drillOverdueDays' | 'historyLimit'>;
  state: StateFile<DrillsState>;
  clock: Clock;
  spool: DrillSpool;
  /** Asks the root helper to start the verify unit (`start-drill`). */
  startUnit(): Promise<HelperAnswer>;
  /** The drive now and whether an unlock or lock runs, and whether a backup runs. */
  readDrive(): Promise<{ state: DriveState; operation: boolean }>;
  backupRunning(): boolean;
  alerts: DrillAlertsPort;
  audit: Pick<AuditLog, 'record'>;
  log: Logger;
}

/** DrillService is the one drills object the recovery service, routes and the starter know. */
export class DrillService {
  /** The verify unit's state as last sampled. */
  private unitState: UnitState = 'unknown';
  private requestedAt: { mono: number; wall: number } | null = null;
  /** While the unit runs: since when (wall); after it ended without a record: when (mono). */
  private seenRunningSince: number | null = null;
  private endedUnreportedAt: number | null = null;
  private spoolProblem: string | null = null;
  private readonly drillAlerts: DrillAlerts;

  constructor(private readonly options: DrillServiceOptions) {
    this.drillAlerts = new DrillAlerts({ ...options, lastPassedAt: () => this.lastPassedAt() });
  }

  /** tick runs every monitor sample: the unit's state, new records, the alerts. */
  async tick(unitState: UnitState): Promise<void> {
    this.follow(unitState);
    await this.ingest();
    await this.closeUnreported();
    await this.drillAlerts.check();
  }

  /** running answers the drill going on, from the unit or a start just asked for. */
  running(): { since: number | null } | null {
    if (this.unitState === 'activating' || this.unitState === 'active') {
      return { since: this.seenRunningSince ?? this.requestedAt?.wall ?? null };
    }
    const requested = this.requestedAt;
    if (requested && this.options.clock.monotonic() - requested.mono < REQUESTED_GRACE_MS)
      return { since: requested.wall };
    return null;
  }

  drills(): readonly Drill[] {
    return this.options.state.value.drills;
  }

  lastPassedAt(): number | null {
    return this.drills().findLast((drill) => drill.result === 'passed')?.endedAt ?? null;
  }

  get overdue(): boolean {
    return this.drillAlerts.overdue;
  }

  /** startNow is "Test a restore now": refused while the drive is not up or a backup runs. */
  async startNow(deviceId: string | null): Promise<number> {
    const drive = await this.options.readDrive();
    if (drive.operation)
      throw new ApiError(
        'operation-in-progress',
        'The drive is being unlocked or locked; try again when it is done.',
      );
    if (drive.state === 'missing')
      throw new ApiError('drive-missing', 'The drive is not connected.');
    if (drive.state !== 'running' && drive.state !== 'degraded')
      throw new ApiError(
        'backup-drive-locked',
        'The drive is locked: unlock it first, then test a restore.',
      );
    if (this.options.backupRunning())
      throw new ApiError(
        'backup-running',
        'A backup is running: test a restore when it has finished.',
      );
    if (this.running())
      throw new ApiError('restore-test-running', 'A restore test is running already.');
    const answer = await this.options.startUnit();
    if (!answer.ok)
      throw new ApiError(
        'helper-unavailable',
        `The restore test could not be started: ${answer.message}`,
      );
    const wall = this.options.clock.wall();
    this.requestedAt = { mono: this.options.clock.monotonic(), wall };
    void this.options.audit.record(
      'restore-test-started',
      'A restore test was started from the app.',
      deviceId,
    );
    return wall;
  }

  /** ingest adds the spool's new drill records to the history. */
  async ingest(): Promise<void> {
    try {
      await this.ingestOnce();
      this.spoolProblem = null;
    } catch (error) {
      const problem = (error as Error).message;
      if (problem !== this.spoolProblem)
        this.options.log.error('cannot read the drill spool', error);
      this.spoolProblem = problem;
    }
  }

  private follow(unitState: UnitState): void {
    const { clock } = this.options;
    const runs = unitState === 'activating' || unitState === 'active';
    if (runs) {
      this.seenRunningSince ??= this.requestedAt?.wall ?? clock.wall();
      this.endedUnreportedAt = null;
    } else if (
      this.seenRunningSince !== null &&
      unitState !== 'deactivating' &&
      unitState !== 'unknown'
    ) {
      this.endedUnreportedAt ??= clock.monotonic();
    }
    if (runs) this.requestedAt = null;
    this.unitState = unitState;
  }

  private async ingestOnce(): Promise<void> {
    const { spool, state, clock } = this.options;
    const known = new Set(state.value.drills.map((drill) => drill.id));
    const added: Drill[] = [];
    for (const name of await spool.list()) {
      const id = DRILL_SPOOL_NAME.exec(name)?.[1];
      if (!id || known.has(id)) continue;
      added.push(await this.readDrill(id, name, clock.wall()));
    }
    if (added.length === 0) return;
    this.seenRunningSince = null;
    this.endedUnreportedAt = null;
    this.requestedAt = null;
    await this.save(added);
  }

  private async readDrill(id: string, name: string, now: number): Promise<Drill> {
    let text: string;
    try {
      text = await this.options.spool.read(name);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      return failedDrill(id, now, `Its report cannot be read (${code}).`);
    }
    const parsed = parseJson(text, DrillRecord);
    if (!parsed.ok)
      return failedDrill(
        id,
        now,
        parsed.notJson
          ? 'Its report is not JSON (cut short?).'
          : `Its report is not as the verify program writes it (${parsed.where ?? 'the record'}).`,
      );
    if (parsed.value.invocationId !== id)
      return failedDrill(id, now, 'Its report names another drill.');
    return drillFromRecord(parsed.value);
  }

  /** closeUnreported records a drill whose unit ended without a record (killed, power cut). */
  private async closeUnreported(): Promise<void> {
    const { clock } = this.options;
    const ended = this.endedUnreportedAt;
    if (ended === null || clock.monotonic() - ended < UNREPORTED_AFTER_MS) return;
    const since = this.seenRunningSince ?? clock.wall();
    this.seenRunningSince = null;
    this.endedUnreportedAt = null;
    const drill = failedDrill(
      `unreported-${since}`,
      clock.wall(),
      'The restore test ended without a report: it was killed or the Pi lost power.',
    );
    await this.save([{ ...drill, startedAt: since }]);
  }

  private async save(added: Drill[]): Promise<void> {
    const { state, config } = this.options;
    await state.update((latest) => {
      const drills = [...latest.drills, ...added].sort((a, b) => a.endedAt - b.endedAt);
      return { ...latest, drills: drills.slice(-config.historyLimit) };
    });
    this.drillAlerts.raiseFailed();
  }
}
