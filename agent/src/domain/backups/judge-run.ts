// The truth rule for a backup run (ARCHITECTURE §11): it succeeded only if a new snapshot id appeared.
import type { BackupFlag, BackupResult } from '../../../../shared/backups.ts';
import { LOG_LINES, type Moment, type RunRecord, type SnapshotInfo } from './spool-record.ts';

export interface JudgeContext {
  /** Snapshot ids the agent knew from the previous report: the fallback when the run's own
   *  before record is missing or could not list snapshots. null when none known. */
  knownSnapshotIds: ReadonlySet<string> | null;
  /** filesProcessed of the previous good run (for the collapse check), null when none. */
  previousGoodFilesProcessed: number | null;
  collapseRatio: number; // default config 0.5
}

export interface Judgement {
  result: BackupResult;
  reason: string | null;
  flags: BackupFlag[];
  snapshot: SnapshotInfo | null;
  startedAt: number | null;
  endedAt: number;
  durationSeconds: number | null;
}

const REASON_CHARS = 300;
const SKIPPED_FILE = /ignoring error/i;
const ERROR_LINE = /\[ERROR\]|error:/i;

/**
 * judgeRun decides what a run really did from its spool record. Ids, never times, decide
 * success: the Pi's clock can jump, and rustic exits 0 both when it was stopped (no snapshot)
 * and when it skipped unreadable files (a snapshot missing them). Pure; never throws.
 */
export function judgeRun(record: RunRecord, context: JudgeContext): Judgement {
  const times = {
    startedAt: record.before?.at.wallMs ?? null,
    endedAt: record.at.wallMs,
    durationSeconds: measureSeconds(record.before?.at ?? null, record.at),
  };
  const verdict = (result: BackupResult, reason: string | null, snapshot = null) => ({
    ...times,
    result,
    reason: reason === null ? null : cut(reason),
    flags: [],
    snapshot,
  });
  const failed = exitFailed(record);

  if (!record.snapshots.ok) {
    if (failed) return verdict('failed', failureReason(record));
    return verdict(
      'unknown',
      `Could not list the snapshots after the run: ${record.snapshots.error}`,
    );
  }
  const baseline = record.before?.snapshotIds ?? context.knownSnapshotIds;
  if (baseline === null) {
    if (failed) return verdict('failed', failureReason(record));
    return verdict(
      'unknown',
      'No record of the snapshots before this run, so it cannot tell whether it made one.',
    );
  }
  const known: ReadonlySet<string> = Array.isArray(baseline) ? new Set(baseline) : baseline;
  const made = record.snapshots.snapshots.filter((s) => !known.has(s.id));
  const snapshot = newest(made);

  if (snapshot === null) {
    if (stoppedBySignal(record))
      return verdict('interrupted', stoppedReason(record, 'before it finished'));
    if (!failed) {
      return verdict(
        'interrupted',
        'rustic ended without saving a snapshot, as it does when stopped (a shutdown, or a lock during the backup).',
      );
    }
    return verdict('failed', failureReason(record));
  }

  const skipped = record.log.filter((line) => SKIPPED_FILE.test(line)).length;
  let result: BackupResult = 'succeeded';
  let reason: string | null = null;
  if (skipped > 0) {
    result = 'partial';
    // A full log may have lost older skipped-file lines, so the count is then a floor.
    const atLeast = record.log.length >= LOG_LINES ? 'At least ' : '';
    reason = `${atLeast}${group(skipped)} ${skipped === 1 ? 'file or folder' : 'files or folders'} could not be read; see the log.`;
  } else if (failed) {
    result = 'partial';
    reason = stoppedBySignal(record)
      ? stoppedReason(record, 'after saving the snapshot')
      : 'rustic reported an error after saving the snapshot';
  }
  const flags: BackupFlag[] = [];
  const previous = context.previousGoodFilesProcessed;
  if (
    previous !== null &&
    previous > 0 &&
    snapshot.filesProcessed !== null &&
    snapshot.filesProcessed < previous * context.collapseRatio
  ) {
    flags.push('file-count-collapsed');
    reason ??= `It read ${group(snapshot.filesProcessed)} files, against ${group(previous)} last time. Was the drive mounted?`;
  }
  return { ...times, result, reason: reason === null ? null : cut(reason), flags, snapshot };
}

/** systemd's word that the unit did not end well: a result other than success, or a non-zero exit. */
function exitFailed(record: RunRecord): boolean {
  const { serviceResult, exitCode, exitStatus } = record;
  if (serviceResult !== null && serviceResult !== 'success') return true;
  if (exitCode === 'killed' || exitCode === 'dumped') return true;
  return exitCode === 'exited' && exitStatus !== null && exitStatus !== '0';
}

function stoppedBySignal(record: RunRecord): boolean {
  return (
    record.serviceResult === 'signal' ||
    record.exitCode === 'killed' ||
    record.exitCode === 'dumped'
  );
}

function stoppedReason(record: RunRecord, when: string): string {
  const limit = record.serviceResult === 'timeout' ? ' (the unit ran past its time limit)' : '';
  return `It was stopped by ${signalName(record)} ${when}${limit}.`;
}

function signalName(record: RunRecord): string {
  const status = record.exitCode === 'exited' ? null : record.exitStatus?.trim();
  if (!status) return 'a signal';
  if (/^\d+$/.test(status)) return `signal ${status}`;
  // systemd names the signal without its SIG prefix (EXIT_STATUS=TERM).
  return /^[A-Z][A-Z0-9+]*$/.test(status) && !status.startsWith('SIG') ? `SIG${status}` : status;
}

function failureReason(record: RunRecord): string {
  const line = record.log.findLast((l) => ERROR_LINE.test(l) && !SKIPPED_FILE.test(l));
  const words = line === undefined ? '' : withoutPrefix(line);
  if (words !== '') return words;
  if (stoppedBySignal(record)) return stoppedReason(record, 'before it finished');
  if (record.exitCode === 'exited' && record.exitStatus !== null && record.exitStatus !== '0') {
    return `rustic exited with status ${record.exitStatus}`;
  }
  return `The unit ended with result '${record.serviceResult ?? 'unknown'}'`;
}

// journalctl's short and short-iso prefix ("Mar 01 03:00:04 host rustic[812]: ", the host left
// out with --no-hostname), then rustic's level.
const JOURNAL_PREFIX =
  /^(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d(?:\.\d+)?|\d{4}-\d\d-\d\dT[\d:.,]+(?:Z|[+-]\d\d:?\d\d)?) (?:\S+ )??[^\s:[]+(?:\[\d+\])?: /;
const LEVEL_TAG = /^\[(?:ERROR|WARN|INFO|DEBUG|TRACE)\]\s*/i;

function withoutPrefix(line: string): string {
  return line.trim().replace(JOURNAL_PREFIX, '').replace(LEVEL_TAG, '').trim();
}

/** The newest of the run's new snapshots by its time, else the last one listed. */
function newest(made: SnapshotInfo[]): SnapshotInfo | null {
  let best: SnapshotInfo | null = null;
  for (const s of made) {
    if (s.timeMs !== null && (best?.timeMs ?? -Infinity) <= s.timeMs) best = s;
  }
  return best ?? made.at(-1) ?? null;
}

/** Duration on the monotonic clock only: a wall-clock jump mid-run cannot distort it. */
function measureSeconds(before: Moment | null, after: Moment): number | null {
  if (before === null || before.bootId !== after.bootId || after.monoMs < before.monoMs)
    return null;
  return Math.round((after.monoMs - before.monoMs) / 100) / 10;
}

function group(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function cut(reason: string): string {
  return reason.length <= REASON_CHARS ? reason : `${reason.slice(0, REASON_CHARS - 1)}…`;
}
