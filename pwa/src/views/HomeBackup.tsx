// Home's backup tile: the last good backup's age and the next run, a way into Backups (§11, §12),
// and a warning when a restore test, the database dump or the drive wants a look (§17).
import type { BackupSummary } from '../../../shared/backups.ts';
import { backupNeedsCare, nextRunWords } from '../backups/summary.ts';
import { formatAge } from '../format.ts';
import { useStore } from '../store.ts';
import { Link } from '../ui/Link.tsx';
import './HomeBackup.css';

type RecoveryIssue = NonNullable<BackupSummary['recoveryIssue']>;

/** ISSUE_WORDS names the most urgent recovery alert in a few words, as the tile shows it. */
export const ISSUE_WORDS: Record<RecoveryIssue, string> = {
  'drive-health-failing': 'Drive failing',
  'restore-test-failed': 'Restore test failed',
  'db-dump-stale': 'No recent database dump',
  'drive-sectors-growing': 'New bad sectors',
  'restore-test-overdue': 'Restore test overdue',
};

/** BackupTile says how old the last good backup is, in warning colours when it wants a look. */
export function BackupTile({ backup }: { backup: BackupSummary | null }) {
  const { api } = useStore();
  if (!backup) return null;
  // Ages are on the Pi's clock; Home re-renders with every status poll, so this stays current.
  return <BackupTileView backup={backup} now={Date.now() + (api.clockOffsetMs() ?? 0)} />;
}

/** BackupTileView draws the tile without hooks (the unit tests draw it). */
export function BackupTileView({ backup, now }: { backup: BackupSummary; now: number }) {
  // An older agent sends no recoveryIssue.
  const issue = backup.recoveryIssue ?? null;
  const care = backupNeedsCare(backup) || issue !== null;
  const lastGood = backup.lastGoodAt;
  return (
    <section
      class="tile wide"
      aria-labelledby="backup-h"
      data-testid="home-backup"
      data-care={care}
    >
      <h2 id="backup-h">Backups</h2>
      <p class={`value small ${backupNeedsCare(backup) ? 'backup-care' : ''}`}>
        <Link to="/backups">
          {lastGood === null
            ? 'No good backup yet'
            : `Last good backup ${formatAge(now - lastGood)}`}
        </Link>
      </p>
      {issue !== null && (
        <p class="backup-care" data-testid="home-recovery-issue" data-issue={issue}>
          <strong>⚠ {ISSUE_WORDS[issue]}</strong>
        </p>
      )}
      <p class="hint">
        {backup.running
          ? 'Backing up now'
          : `${backup.lastResult === 'failed' ? 'The last run failed. ' : ''}${nextRunWords(backup, now)}`}
      </p>
    </section>
  );
}
