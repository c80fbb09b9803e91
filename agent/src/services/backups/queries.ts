// The read side of backups: the one-glance summary, the history page by page, one run.
import type { BackupRun, BackupSummary, BackupsResponse } from '../../../../shared/backups.ts';
import type { StateFile } from '../../adapters/state-store/index.ts';
import type { Clock } from '../../ports.ts';
import { type BackupsState, chartOf, lastGood, pageOf } from './history.ts';

export interface BackupQueriesOptions {
  state: StateFile<BackupsState>;
  clock: Clock;
  /** The run going on now, if any. */
  running(): { since: number | null } | null;
  /** The timer's next run, wall ms; null when unknown. */
  nextAt(): number | null;
  /** True while backup-stale is raised. */
  stale(): boolean;
}

/** BackupQueries answers what status and the Backups screen show, never changing anything. */
export class BackupQueries {
  private scanned: { from: BackupsState; good: ReturnType<typeof lastGood>; demo: boolean } | null =
    null;

  constructor(private readonly options: BackupQueriesOptions) {}

  /** summary answers the one glance of status and Backups (every status request asks). */
  summary(): BackupSummary {
    const { good, demo } = this.fromHistory();
    const state = this.options.state.value;
    return {
      lastGoodAt: good?.at ?? null,
      lastGoodSnapshotId: good?.snapshotId ?? null,
      lastResult: state.runs.at(-1)?.result ?? null,
      nextAt: this.options.nextAt(),
      running: this.options.running(),
      stale: this.options.stale(),
      snapshots: state.snapshots?.ids.length ?? null,
      demo,
      recoveryIssue: null,
    };
  }

  /** lastGoodAt is when the newest good backup was taken; null before the first. */
  lastGoodAt(): number | null {
    return this.fromHistory().good?.at ?? null;
  }

  page(limit: number, before?: number): BackupsResponse {
    const { runs } = this.options.state.value;
    const page = pageOf(runs, limit, before);
    const chart = before === undefined ? chartOf(runs, this.options.clock.wall()) : null;
    return { summary: this.summary(), ...page, chart, recovery: null };
  }

  run(id: string): BackupRun | null {
    return this.options.state.value.runs.findLast((run) => run.id === id) ?? null;
  }

  /** fromHistory scans the history once per change of it, not once per status request. */
  private fromHistory() {
    const from = this.options.state.value;
    if (this.scanned?.from !== from) {
      this.scanned = { from, good: lastGood(from), demo: from.runs.some((run) => run.demo) };
    }
    return this.scanned;
  }
}
