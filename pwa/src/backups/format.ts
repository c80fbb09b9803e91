// One backup run in words for the Backups screen: its result, flags, duration, files and outcome.
import type {
  BackupFlag,
  BackupResult,
  BackupRun,
  BackupRunSummary,
} from '../../../shared/backups.ts';

/** RunResult is a recorded run's result, or "running" for the one going on now. */
export type RunResult = BackupResult | 'running';

/** RESULT_WORDS names each result as the list shows it. */
export const RESULT_WORDS: Record<RunResult, string> = {
  succeeded: 'succeeded',
  partial: 'partial',
  failed: 'failed',
  interrupted: 'interrupted',
  unknown: 'unknown',
  running: 'running',
};

/** RESULT_LEVEL sorts results for colour: a partial run made a snapshot, an interrupted one did not. */
export const RESULT_LEVEL: Record<RunResult, 'ok' | 'warn' | 'bad' | 'muted' | 'busy'> = {
  succeeded: 'ok',
  partial: 'warn',
  failed: 'bad',
  interrupted: 'bad',
  unknown: 'muted',
  running: 'busy',
};

/** FLAG_WORDS says what each flag on a run may mean and what to check. */
export const FLAG_WORDS: Record<BackupFlag, string> = {
  'file-count-collapsed': 'Fewer files than usual: was the drive mounted?',
};

/** formatRunDuration says how long a run took: "42 s", "3 min 5 s", "1 h 12 min". */
export function formatRunDuration(totalSeconds: number): string {
  const s = Math.round(Math.max(0, totalSeconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 === 0 ? `${s / 60} min` : `${Math.floor(s / 60)} min ${s % 60} s`;
  const minutes = Math.round(s / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${minutes / 60} h` : `${Math.floor(minutes / 60)} h ${rest} min`;
}

/** shortSnapshotId is the 8 characters rustic itself shows of a snapshot id. */
export function shortSnapshotId(id: string): string {
  return id.slice(0, 8);
}

/** filesWords says how many files were new and changed: "120 new, 3 changed files". */
export function filesWords(
  run: Pick<BackupRunSummary, 'filesNew' | 'filesChanged'>,
): string | null {
  const { filesNew, filesChanged } = run;
  if (filesNew === null && filesChanged === null) return null;
  const count = (n: number | null) => (n === null ? '?' : n.toLocaleString());
  const total = (filesNew ?? 0) + (filesChanged ?? 0);
  return `${count(filesNew)} new, ${count(filesChanged)} changed file${total === 1 ? '' : 's'}`;
}

/** outcomeWords is the line that ends a followed run: "Backup finished: succeeded". */
export function outcomeWords(run: Pick<BackupRunSummary, 'result' | 'reason'>): string {
  const why = run.reason ? `: ${run.reason}` : '';
  switch (run.result) {
    case 'succeeded':
      return 'Backup finished: succeeded';
    case 'partial':
      return `Backup finished, but skipped some files${why}`;
    case 'failed':
      return `Backup failed${why}`;
    case 'interrupted':
      return `Backup interrupted before it made a snapshot${why}`;
    case 'unknown':
      return `Backup ended; its result is unknown${why}`;
  }
}

/** exitWords shows how systemd saw the unit end: "SERVICE_RESULT exit-code, exit status 1". */
export function exitWords(exit: BackupRun['exit']): string {
  const parts: string[] = [];
  if (exit.serviceResult !== null) parts.push(`SERVICE_RESULT ${exit.serviceResult}`);
  if (exit.exitCode !== null) parts.push(`EXIT_CODE ${exit.exitCode}`);
  if (exit.exitStatus !== null) parts.push(`EXIT_STATUS ${exit.exitStatus}`);
  return parts.length > 0 ? parts.join(', ') : 'not recorded';
}
