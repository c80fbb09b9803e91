// Reading the spool report-backup fills: each new report judged by the truth rule into the
// history, runs under way followed by their before records, and orphans closed as runs.
import type * as v from 'valibot';
import { type BackupRun, goodResult } from '../../../../shared/backups.ts';
import type { SpoolEntry } from '../../adapters/spool.ts';
import type { StateFile } from '../../adapters/state-store/index.ts';
import type { Config } from '../../config.ts';
import { judgeRun } from '../../domain/backups/judge-run.ts';
import { BeforeRecord, RunRecord } from '../../domain/backups/spool-record.ts';
import { parseJson } from '../../parse-json.ts';
import type { Clock, Logger } from '../../ports.ts';
import type { BackupActivity } from './activity.ts';
import type { BackupsState } from './history.ts';
import { orphanRun, runFromJudgement, unreadableRun } from './runs.ts';

/** A before record whose unit has been idle this long without a report is an orphan. */
const ORPHAN_AFTER_MS = 2 * 60_000;

/** BackupSpool is the directory report-backup fills: its entries and one file's text. */
export interface BackupSpool {
  list(): Promise<SpoolEntry[]>;
  read(name: string): Promise<string>;
}

export interface SpoolIngestOptions {
  config: Pick<Config['backup'], 'spoolDir' | 'collapseRatio' | 'historyLimit'>;
  state: StateFile<BackupsState>;
  clock: Clock;
  spool: BackupSpool;
  /** This boot's id (read once at start: it cannot change under a running process); '' if unknown. */
  bootId: string;
  /** CLOCK_MONOTONIC in ms: comparable with the monoMs report-backup records. */
  systemMonotonicMs(): number;
  /** Told what each read found; its unit state decides when a silent run is an orphan. */
  activity: BackupActivity;
  /** Called once runs were added to the history and are durable. */
  onRunsAdded(): Promise<void>;
  log: Logger;
}

/** SpoolIngest adds the spool's new runs to the history, one pass at a time. */
export class SpoolIngest {
  private open = new Map<string, BeforeRecord>();
  private ingesting: Promise<void> = Promise.resolve();
  private spoolProblem: string | null = null;

  constructor(private readonly options: SpoolIngestOptions) {}

  /** underWay is the newest run under way by its before record. */
  underWay(): BeforeRecord | undefined {
    return [...this.open.values()].at(-1);
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
    const ended = records.length + added.length + closed.length > 0;
    this.options.activity.seen(ended, this.open.size > 0);
    if (!ended) return;
    // Judged against the newest state, not one read before the awaits above: a tick may have
    // saved `alerted` or `watchingSince` meanwhile, and that must not be written back over.
    await state.update((latest) => {
      let next = latest;
      for (const record of records) next = withRun(next, this.judge(next, record), record);
      for (const run of [...added, ...closed]) next = withRun(next, run, null);
      return trim(next, this.options.config.historyLimit);
    });
    await this.options.onRunsAdded();
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
      const { unitState } = this.options.activity;
      const unitIdle = unitState === 'inactive' || unitState === 'failed';
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
    const parsed = parseJson(text, schema);
    if (parsed.ok) return parsed;
    if (parsed.notJson) return { ok: false, error: 'it is not JSON (cut short?)' };
    return {
      ok: false,
      error: `${parsed.where ?? 'the record'} is not as report-backup writes it`,
    };
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
            ...(newest?.paths ? { newestPaths: newest.paths } : {}),
          };
        })()
      : state.snapshots;
  const seq = state.seq + 1;
  return { ...state, seq, runs: [...state.runs, { ...run, seq }], snapshots };
}

function trim(state: BackupsState, limit: number): BackupsState {
  return state.runs.length > limit ? { ...state, runs: state.runs.slice(-limit) } : state;
}
