// Backups as the agent sees them (ARCHITECTURE §11): it reads the spool that report-backup fills,
// judges each run by the truth rule, keeps the history, raises backup-failed and backup-stale, and
// starts the unit through the helper ("back up now", and a missed run after unlock).
import * as v from 'valibot';
import type { AlertSubject } from '../../../../shared/alerts.ts';
import {
  type BackupRun,
  type BackupSummary,
  type BackupsResponse,
  goodResult,
} from '../../../../shared/backups.ts';
import type { DriveState } from '../../../../shared/status.ts';
import type { CallHelper } from '../../adapters/helper-client.ts';
import type { SpoolEntry } from '../../adapters/spool.ts';
import type { StateFile } from '../../adapters/state-store/index.ts';
import type { UnitState } from '../../adapters/units.ts';
import type { Config } from '../../config.ts';
import { judgeRun } from '../../domain/backups/judge-run.ts';
import { BeforeRecord, RunRecord } from '../../domain/backups/spool-record.ts';
import { backupStaleness } from '../../domain/backups/staleness.ts';
import { ApiError } from '../../errors.ts';
import type { Clock, Logger } from '../../ports.ts';
import type { AuditLog } from '../audit.ts';
import type { DriveControl } from '../drive-control/index.ts';
import { type BackupsState, chartOf, lastGood, pageOf } from './history.ts';
import { orphanRun, runFromJudgement, unreadableRun } from './runs.ts';

/** A start asked for shows as running this long, until the unit or its before record says so. */
const REQUESTED_GRACE_MS = 15_000;
/** A before record whose unit has been idle this long without a report is an orphan. */
const ORPHAN_AFTER_MS = 2 * 60_000;
const TIMER_REFRESH_MS = 10 * 60_000;
const TIMER_REFRESH_AFTER_START_MS = 2000;

export interface BackupServiceOptions {
  config: Config['backup'];
  state: StateFile<BackupsState>;
  clock: Clock;
  spool: BackupSpool;
  /** The timer's next run, wall ms; null when unknown. */
  readNextRun(): Promise<number | null>;
  /** The root helper: `start-backup` starts the unit (systemctl start --no-block). */
  callHelper: CallHelper;
  /** The backup unit's state now (one `systemctl show`), for "back up now" to decide on. */
  readUnitState(): Promise<UnitState>;
  /** This boot's id (read once at start: it cannot change under a running process); '' if unknown. */
  bootId: string;
  /** CLOCK_MONOTONIC in ms: comparable with the monoMs report-backup records. */
  systemMonotonicMs(): number;
  alerts: {
    condition(
      kind: 'backup-failed' | 'backup-stale',
      active: boolean,
      subject: AlertSubject,
      options?: { alreadyNotified?: boolean },
    ): void;
  };
  audit: Pick<AuditLog, 'record'>;
  log: Logger;
  /** How long after a start the timer's next run is read again (it moves with the start). */
  timerRefreshDelayMs?: number;
}

/** BackupSpool is the directory report-backup fills: its entries and one file's text. */
export interface BackupSpool {
  list(): Promise<SpoolEntry[]>;
  read(name: string): Promise<string>;
}

const STARTED_WORDS = {
  requested: 'A backup was started from the app.',
  'catch-up': 'A backup started after the unlock, since the daily one was missed.',
} as const;

/** What the monitor saw this sample. */
export interface BackupObservation {
  unitState: UnitState;
  drive: DriveState;
}

export class BackupService {
  private unitState: UnitState = 'unknown';
  private open = new Map<string, BeforeRecord>();
  private requestedAt: { mono: number; wall: number } | null = null;
  private nextAt: number | null = null;
  private timerReadAt = -Infinity;
  private staleRaised: boolean | null = null;
  private failedRaised: boolean | null = null;
  private ingesting: Promise<void> = Promise.resolve();
  private spoolProblem: string | null = null;
  private scanned: { from: BackupsState; good: ReturnType<typeof lastGood>; demo: boolean } | null =
    null;

  constructor(private readonly options: BackupServiceOptions) {}

  /** tick runs every monitor sample: new reports, staleness, and the timer now and then. */
  async tick(observation: BackupObservation): Promise<void> {
    this.unitState = observation.unitState;
    await this.ingest();
    // After a restart the newest run's failure stands again (without a second push).
    if (this.failedRaised === null) this.raiseFailed();
    await this.checkStale();
    if (this.options.clock.monotonic() - this.timerReadAt > TIMER_REFRESH_MS)
      await this.refreshTimer();
  }

  /** ingest reads the spool's new records, one pass at a time. */
  ingest(): Promise<void> {
    this.ingesting = this.ingesting
      .then(() => this.ingestOnce())
      .then(
        () => {
          this.spoolProblem = null;
        },
        (error: unknown) => {
          // Said once, not every sample: an unreadable spool stays so until someone fixes it.
          const problem = (error as Error).message;
          if (problem !== this.spoolProblem) {
            this.options.log.error(
              `cannot read the backup spool ${this.options.config.spoolDir}`,
              error,
            );
          }
          this.spoolProblem = problem;
        },
      );
    return this.ingesting;
  }

  /** running answers the run going on, from its before record, the unit, or a start just asked. */
  running(): { since: number | null } | null {
    const before = [...this.open.values()].at(-1);
    if (before) return { since: before.at.wallMs };
    // A oneshot service is activating while it runs; deactivating is its ExecStopPost, the report.
    if (this.unitState === 'activating' || this.unitState === 'active') {
      return { since: this.requestedAt?.wall ?? null };
    }
    const requested = this.requestedAt;
    if (requested && this.options.clock.monotonic() - requested.mono < REQUESTED_GRACE_MS) {
      return { since: requested.wall };
    }
    return null;
  }

  /** summary answers the one glance of status and Backups (every status request asks). */
  summary(): BackupSummary {
    const { good, demo } = this.fromHistory();
    const state = this.options.state.value;
    return {
      lastGoodAt: good?.at ?? null,
      lastGoodSnapshotId: good?.snapshotId ?? null,
      lastResult: state.runs.at(-1)?.result ?? null,
      nextAt: this.nextAt,
      running: this.running(),
      stale: this.staleRaised === true,
      snapshots: state.snapshots?.ids.length ?? null,
      demo,
    };
  }

  /** fromHistory scans the history once per change of it, not once per status request. */
  private fromHistory() {
    const from = this.options.state.value;
    if (this.scanned?.from !== from) {
      this.scanned = { from, good: lastGood(from), demo: from.runs.some((run) => run.demo) };
    }
    return this.scanned;
  }

  page(limit: number, before?: number): BackupsResponse {
    const { runs } = this.options.state.value;
    const page = pageOf(runs, limit, before);
    const chart = before === undefined ? chartOf(runs, this.options.clock.wall()) : null;
    return { summary: this.summary(), ...page, chart };
  }

  run(id: string): BackupRun | null {
    return this.options.state.value.runs.findLast((run) => run.id === id) ?? null;
  }

  /**
   * startNow starts the backup unit unless the drive is not mounted, an unlock or lock runs, or a
   * backup runs already. Answers when it was asked.
   */
  async startNow(drive: DriveState, operation: boolean, deviceId: string | null): Promise<number> {
    if (operation)
      throw new ApiError(
        'operation-in-progress',
        'The drive is being unlocked or locked; try again when it is done.',
      );
    if (drive === 'missing') throw new ApiError('drive-missing', 'The drive is not connected.');
    if (drive !== 'running' && drive !== 'degraded') {
      throw new ApiError(
        'backup-drive-locked',
        'The drive is locked: unlock it first, then back up.',
      );
    }
    this.unitState = await this.options.readUnitState();
    await this.ingest();
    if (this.running()) throw new ApiError('backup-running', 'A backup is running already.');
    return this.start('requested', deviceId);
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
    if (!clock.synced() || this.running()) return false;
    const state = this.options.state.value;
    const since = this.fromHistory().good?.at ?? state.watchingSince;
    if (since === null || clock.wall() - since < config.catchUpAfterHours * 3600_000) return false;
    await this.start('catch-up', null);
    return true;
  }

  async refreshTimer(): Promise<void> {
    this.timerReadAt = this.options.clock.monotonic();
    this.nextAt = await this.options.readNextRun().catch(() => null);
  }

  private async start(why: 'requested' | 'catch-up', deviceId: string | null): Promise<number> {
    const { clock } = this.options;
    const answer = await this.options.callHelper({ verb: 'start-backup' });
    if (!answer.ok) {
      throw new ApiError(
        'helper-unavailable',
        `The backup could not be started: ${answer.message}`,
      );
    }
    const wall = clock.wall();
    this.requestedAt = { mono: clock.monotonic(), wall };
    void this.options.audit.record('backup-started', STARTED_WORDS[why], deviceId);
    // The timer's next run moves with a manual start (OnUnitActiveSec); read it once it has.
    const delay = this.options.timerRefreshDelayMs ?? TIMER_REFRESH_AFTER_START_MS;
    setTimeout(() => void this.refreshTimer(), delay).unref?.();
    return wall;
  }

  private async ingestOnce(): Promise<void> {
    const { spool, state } = this.options;
    const entries = await spool.list();
    const known = new Set(state.value.runs.map((run) => run.id));
    const reported = new Set(entries.filter((e) => e.kind === 'run').map((e) => e.id));
    const added: BackupRun[] = [];
    const records: RunRecord[] = [];
    for (const entry of entries) {
      if (entry.kind !== 'run' || known.has(entry.id)) continue;
      const parsed = await this.readRecord(entry.name, RunRecord);
      if (parsed.ok && parsed.value.invocationId === entry.id) records.push(parsed.value);
      else
        added.push(
          unreadableRun(
            entry.id,
            parsed.ok ? 'it names another run' : parsed.error,
            this.options.clock.wall(),
          ),
        );
    }
    records.sort((a, b) => a.at.wallMs - b.at.wallMs);
    const closed: BackupRun[] = [];
    await this.trackOpen(entries, known, reported, (run) => closed.push(run));
    // The start asked for is now seen: as a run under way, or ended already.
    const ended = records.length + added.length + closed.length > 0;
    if (this.open.size > 0 || ended) this.requestedAt = null;
    // A run's report is written in its ExecStopPost, so a unit state read before the report came
    // still says the run goes on: the report is the newer news until the next sample.
    if (ended && this.open.size === 0) this.unitState = 'unknown';
    if (!ended) return;
    // Judged against the newest state, not one read before the awaits above: a tick may have
    // saved `alerted` or `watchingSince` meanwhile, and that must not be written back over.
    await state.update((latest) => {
      let next = latest;
      for (const record of records) next = withRun(next, this.judge(next, record), record);
      for (const run of [...added, ...closed]) next = withRun(next, run, null);
      return trim(next, this.options.config.historyLimit);
    });
    this.raiseFailed();
    // A run that ended moved the timer (OnUnitActiveSec): the answer that shows the run shows it.
    await this.refreshTimer();
  }

  private judge(state: BackupsState, record: RunRecord): BackupRun {
    const previousGood = state.runs.findLast((run) => goodResult(run.result));
    const judgement = judgeRun(record, {
      knownSnapshotIds: state.snapshots ? new Set(state.snapshots.ids) : null,
      previousGoodFilesProcessed: previousGood?.filesProcessed ?? null,
      collapseRatio: this.options.config.collapseRatio,
    });
    return runFromJudgement(record, judgement);
  }

  /** trackOpen follows runs under way by their before records, and closes orphans as runs. */
  private async trackOpen(
    entries: SpoolEntry[],
    known: Set<string>,
    reported: Set<string>,
    close: (run: BackupRun) => void,
  ): Promise<void> {
    const stillOpen = new Map<string, BeforeRecord>();
    const { bootId } = this.options;
    for (const entry of entries) {
      if (entry.kind !== 'before' || reported.has(entry.id) || known.has(entry.id)) continue;
      const before = this.open.get(entry.id) ?? (await this.readBefore(entry.name));
      if (!before) continue;
      const idleFor = this.options.systemMonotonicMs() - before.at.monoMs;
      const unitIdle = this.unitState === 'inactive' || this.unitState === 'failed';
      if (bootId !== '' && before.at.bootId !== bootId) close(orphanRun(before, 'restarted'));
      else if (unitIdle && idleFor > ORPHAN_AFTER_MS) close(orphanRun(before, 'no-report'));
      else stillOpen.set(entry.id, before);
    }
    this.open = new Map([...stillOpen].sort((a, b) => a[1].at.wallMs - b[1].at.wallMs));
  }

  private async readBefore(name: string): Promise<BeforeRecord | null> {
    const parsed = await this.readRecord(name, BeforeRecord);
    return parsed.ok ? parsed.value : null;
  }

  private async readRecord<T>(
    name: string,
    schema: v.GenericSchema<unknown, T>,
  ): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
    let text: string;
    try {
      text = await this.options.spool.read(name);
    } catch (error) {
      return {
        ok: false,
        error: `it cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      };
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return { ok: false, error: 'it is not JSON (cut short?)' };
    }
    const parsed = v.safeParse(schema, raw);
    if (parsed.success) return { ok: true, value: parsed.output };
    const where = parsed.issues[0].path?.map((p) => String(p.key)).join('.') || 'the record';
    return { ok: false, error: `${where} is not as report-backup writes it` };
  }

  /** raiseFailed follows the newest run: a run without a snapshot raises, a good run clears. */
  private raiseFailed(): void {
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
      lastGoodAt: this.fromHistory().good?.at ?? null,
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

/** withRun appends a judged run and, from a readable report, the repository's snapshot ids. */
function withRun(state: BackupsState, run: BackupRun, record: RunRecord | null): BackupsState {
  const listing = record?.snapshots;
  const snapshots =
    listing?.ok === true
      ? (() => {
          const newest = listing.snapshots.reduce<(typeof listing.snapshots)[number] | null>(
            (best, s) => (s.timeMs !== null && (best?.timeMs ?? -Infinity) < s.timeMs ? s : best),
            null,
          );
          return {
            ids: listing.snapshots.map((s) => s.id),
            newestAt: newest?.timeMs ?? null,
            newestId: newest?.id ?? null,
          };
        })()
      : state.snapshots;
  const seq = state.seq + 1;
  return { ...state, seq, runs: [...state.runs, { ...run, seq }], snapshots };
}

function trim(state: BackupsState, limit: number): BackupsState {
  return state.runs.length > limit ? { ...state, runs: state.runs.slice(-limit) } : state;
}
