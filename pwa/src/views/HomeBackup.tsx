// Home's backup tile: the last good backup's age and the next run, a way into Backups (§11, §12).
import type { BackupSummary } from '../../../shared/backups.ts';
import { backupNeedsCare, nextRunWords } from '../backups/summary.ts';
import { formatAge } from '../format.ts';
import { useStore } from '../store.ts';
import { Link } from '../ui/Link.tsx';
import './HomeBackup.css';

/** BackupTile says how old the last good backup is, in warning colours when it wants a look. */
export function BackupTile({ backup }: { backup: BackupSummary | null }) {
  const { api } = useStore();
  if (!backup) return null;
  // Ages are on the Pi's clock; Home re-renders with every status poll, so this stays current.
  const now = Date.now() + (api.clockOffsetMs() ?? 0);
  const care = backupNeedsCare(backup);
  const lastGood = backup.lastGoodAt;
  return (
    <section
      class="tile wide"
      aria-labelledby="backup-h"
      data-testid="home-backup"
      data-care={care}
    >
      <h2 id="backup-h">Backups</h2>
      <p class={`value small ${care ? 'backup-care' : ''}`}>
        <Link to="/backups">
          {lastGood === null
            ? 'No good backup yet'
            : `Last good backup ${formatAge(now - lastGood)}`}
        </Link>
      </p>
      <p class="hint">
        {backup.running
          ? 'Backing up now'
          : `${backup.lastResult === 'failed' ? 'The last run failed. ' : ''}${nextRunWords(backup, now)}`}
      </p>
    </section>
  );
}
