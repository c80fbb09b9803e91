// Restore drills and the database dump in words for the Recovery card (ARCHITECTURE §17): plain
// sentences a person reads at a glance, with what to do when something wants a look.
import type {
  Drill,
  DrillResult,
  DumpStatus,
  Recovery,
  RepoCheck,
} from '../../../shared/recovery.ts';
import { ApiError } from '../api/errors.ts';
import { shortSnapshotId } from '../backups/format.ts';
import { formatNextRun } from '../backups/summary.ts';
import { describeError } from '../errors.ts';
import { formatAge, formatBytes } from '../format.ts';

/** DRILL_RESULT_WORDS names each result as the history shows it, with a mark beside the colour. */
export const DRILL_RESULT_WORDS: Record<DrillResult, { mark: string; label: string }> = {
  passed: { mark: '✓', label: 'passed' },
  failed: { mark: '✗', label: 'failed' },
  error: { mark: '!', label: 'did not finish' },
};

/** DRILL_LEVEL sorts results for colour: an unfinished drill proves nothing either way. */
export const DRILL_LEVEL: Record<DrillResult, 'ok' | 'bad' | 'muted'> = {
  passed: 'ok',
  failed: 'bad',
  error: 'muted',
};

const files = (n: number) => `${n.toLocaleString()} file${n === 1 ? '' : 's'}`;

/** dayOf is a short local date, "Dec 1", as the card names a dump. */
const dayOf = (ms: number) =>
  new Date(ms).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });

/** snapshotWords is "snapshot 3f2a1b9c…": the 8 characters rustic shows, marked as shortened. */
export const snapshotWords = (id: string) => `snapshot ${shortSnapshotId(id)}…`;

/** whatCameBack says what a passed drill proved: "20 files and the database dump of Dec 1". */
function whatCameBack(drill: Drill): string {
  const dump = drill.dump?.ok
    ? ` and the database dump${drill.dump.at === null ? '' : ` of ${dayOf(drill.dump.at)}`}`
    : '';
  return `${files(drill.filesChecked)}${dump}`;
}

/**
 * drillHeadline is the last drill in one sentence: "Restore test passed 12 days ago: 20 files and
 * the database dump of Dec 1 came back intact from snapshot 3f2a1b9c…", or why it did not.
 */
export function drillHeadline(drill: Drill | null, now: number): string {
  if (drill === null) return 'No restore test yet';
  const age = formatAge(now - drill.endedAt);
  if (drill.result === 'passed') {
    const from = drill.snapshotId ? ` from ${snapshotWords(drill.snapshotId)}` : '';
    return `Restore test passed ${age}: ${whatCameBack(drill)} came back intact${from}`;
  }
  const why = drill.reason ? `: ${drill.reason}` : '';
  return drill.result === 'failed'
    ? `Restore test failed ${age}${why}`
    : `Restore test did not finish ${age}${why}`;
}

/** drillLine is one history row's line: what came back, or the reason it failed. */
export function drillLine(drill: Drill): string {
  const parts =
    drill.result === 'passed'
      ? [`${whatCameBack(drill)} intact`]
      : [drill.reason ?? 'No reason recorded'];
  if (drill.filesChecked > 0 && drill.result !== 'passed')
    parts.push(`${drill.filesMatched} of ${files(drill.filesChecked)} matched`);
  if (drill.snapshotId) parts.push(snapshotWords(drill.snapshotId));
  if (drill.demo) parts.push('demo');
  return parts.join(' · ');
}

/** lastPassedWords says since when no drill passed, when the last one did not. */
export function lastPassedWords(recovery: Recovery, now: number): string | null {
  if (recovery.lastDrill === null || recovery.lastDrill.result === 'passed') return null;
  return recovery.lastPassedAt === null
    ? 'No restore test has passed yet.'
    : `The last one that passed ended ${formatAge(now - recovery.lastPassedAt)}.`;
}

/** dumpLine says how old the newest database dump is: "Newest database dump: 6 hours old, 48 MB". */
export function dumpLine(dump: DumpStatus, now: number): string {
  if (dump.newest === null) {
    if (dump.problem) return `Database dumps could not be read: ${dump.problem}`;
    return dump.checkedAt === null
      ? 'Database dumps are read once the drive is unlocked.'
      : 'No database dump found on the drive.';
  }
  const age = formatAge(now - dump.newest.at);
  const old = age === 'just now' ? 'just made' : age.replace(/ ago$/, ' old');
  return `Newest database dump: ${old}, ${formatBytes(dump.newest.bytes)}`;
}

/** checkLine is the repository check's result: "Repository check passed (5% of the data read back)". */
export function checkLine(check: RepoCheck | null): string | null {
  if (check === null) return null;
  return check.ok
    ? `Repository check passed (${check.readDataSubset} of the data read back)`
    : `Repository check found a problem: ${check.problem ?? 'no reason recorded'}`;
}

/** nextDrillWords says when the timer runs the next drill: "Next restore test Jan 1, 04:00". */
export function nextDrillWords(nextAt: number | null, now: number): string {
  return nextAt === null
    ? 'No restore test scheduled'
    : `Next restore test ${formatNextRun(nextAt, now)}`;
}

/** RecoveryWarning is a state that leads the card: what is wrong, and what to do about it. */
export interface RecoveryWarning {
  id: 'restore-test-failed' | 'restore-test-overdue' | 'db-dump-stale';
  title: string;
  advice: string;
}

/** DUMP_ADVICE is what to change in Immich, as the db-dump-stale alert says (shared/alerts.ts). */
export const DUMP_ADVICE =
  'A restore would lose albums, people and users. In Immich, turn on its automatic database dumps (Administration > Settings > Backup Settings), and keep immich_data/backups in the backup’s paths.';

/** recoveryWarnings lists what wants a look, most urgent first; none when all is well. */
export function recoveryWarnings(recovery: Recovery, now: number): RecoveryWarning[] {
  const warnings: RecoveryWarning[] = [];
  if (recovery.lastDrill?.result === 'failed')
    warnings.push({
      id: 'restore-test-failed',
      title: 'Restore test failed',
      advice:
        'Something did not come back from the backup as it is on the drive: see what below. Back up again, then test a restore again. If it fails again, the backup may be damaged.',
    });
  if (recovery.dump.stale)
    warnings.push({
      id: 'db-dump-stale',
      title:
        recovery.dump.inSnapshot === false
          ? 'Backups leave out the database dumps'
          : 'Backups have no recent database dump',
      advice: DUMP_ADVICE,
    });
  if (recovery.overdue) {
    const days =
      recovery.lastPassedAt === null
        ? null
        : Math.floor((now - recovery.lastPassedAt) / 86_400_000);
    warnings.push({
      id: 'restore-test-overdue',
      title: days === null ? 'No restore test has passed yet' : `No restore test for ${days} days`,
      advice:
        'Nobody has checked lately that your backup can be read back. Test a restore now, or ask an admin to.',
    });
  }
  return warnings;
}

/** drillRefusalWords says why "Test a restore now" was refused, in this action's words. */
export function drillRefusalWords(error: unknown): string {
  if (error instanceof ApiError && error.code === 'backup-drive-locked')
    return 'The drive is locked: unlock it first, then test a restore.';
  return describeError(error);
}
