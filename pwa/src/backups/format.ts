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

/** RESULT_ICONS marks each result by shape as well as colour (a list row's icon). */
export const RESULT_ICONS: Record<RunResult, string> = {
  succeeded: '✓',
  partial: '!',
  failed: '✕',
  interrupted: '✕',
  unknown: '?',
  running: '…',
};

/** runHeadline heads a run's own screen: "Succeeded", "Partly backed up", "Failed"… */
export function runHeadline(result: RunResult): string {
  switch (result) {
    case 'succeeded':
      return 'Succeeded';
    case 'partial':
      return 'Partly backed up: some files were skipped';
    case 'failed':
      return 'Failed';
    case 'interrupted':
      return 'Interrupted before it made a snapshot';
    case 'unknown':
      return 'Ended; its result is unknown';
    case 'running':
      return 'Running';
  }
}

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

// systemd's SERVICE_RESULT values in words (systemd.exec(5)'s $SERVICE_RESULT).
const SERVICE_RESULT_WORDS: Record<string, string> = {
  timeout: 'It ran too long, so the Pi stopped it.',
  'core-dump': 'The backup program crashed.',
  watchdog: 'It stopped answering, so the Pi stopped it.',
  'oom-kill': 'The Pi ran out of memory and stopped it.',
  'start-limit-hit': 'The Pi would not start it: it had been started too often in a short time.',
  resources: 'The Pi could not set it up to run (a missing file or folder?).',
};

// Signals a stopped run may name, for people rather than for kill(1).
const SIGNAL_WORDS: Record<string, string> = {
  TERM: 'It was stopped on purpose: the Pi shut down, or someone stopped it.',
  INT: 'It was stopped on purpose: the Pi shut down, or someone stopped it.',
  KILL: 'It was killed before it could finish.',
};

/**
 * exitWords says how the run's program ended, in words, without systemd's field names:
 * "It ended normally.", "The backup program stopped with error code 1.", "It ran too long…".
 */
export function exitWords(exit: BackupRun['exit']): string {
  const { serviceResult, exitCode, exitStatus } = exit;
  if (serviceResult !== null && SERVICE_RESULT_WORDS[serviceResult])
    return SERVICE_RESULT_WORDS[serviceResult];
  if (exitCode === 'killed' || exitCode === 'dumped' || serviceResult === 'signal') {
    if (exitCode === 'dumped') return 'The backup program crashed.';
    return (
      SIGNAL_WORDS[exitStatus ?? ''] ??
      `It was stopped before it could finish${exitStatus ? ` (signal ${exitStatus})` : ''}.`
    );
  }
  if (exitStatus !== null && exitStatus !== '0')
    return `The backup program stopped with error code ${exitStatus}.`;
  if (serviceResult === 'success' || exitStatus === '0') return 'It ended normally.';
  if (serviceResult === null && exitCode === null) return 'Not recorded.';
  return 'It ended in a way the Pi did not recognise.';
}
