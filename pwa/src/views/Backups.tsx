// Backups: the summary, "Back up now" (admins), recovery and drive health (§17), the chart and
// every run, newest first (ARCHITECTURE §11); and at /backups/<id>, one run's own screen.
import { useLayoutEffect } from 'preact/hooks';
import { ROUTES } from '../../../shared/api.ts';
import type { BackupSummary } from '../../../shared/backups.ts';
import { useAccess } from '../access.ts';
import type { FollowStep } from '../backups/follow.ts';
import { shortSnapshotId } from '../backups/format.ts';
import { backupNeedsCare, nextRunWords } from '../backups/summary.ts';
import { formatDateTime } from '../clock.ts';
import { describeError } from '../errors.ts';
import { formatAge } from '../format.ts';
import { useAgentNow, useBackupHistory } from '../hooks/useBackupHistory.ts';
import { runIdOf } from '../router.ts';
import { useStore } from '../store.ts';
import { Notice } from '../ui/Notice.tsx';
import { Screen } from '../ui/Screen.tsx';
import { BackupChart } from './BackupChart.tsx';
import { BackupNowButton, BackupProgress } from './BackupNow.tsx';
import { BackupRun } from './BackupRun.tsx';
import { BackupRunList, listScroll } from './BackupRuns.tsx';
import { DriveHealthCard } from './DriveHealthCard.tsx';
import { RecoveryCard } from './RecoveryCard.tsx';
import './Backups.css';

/** Backups shows the history, or at /backups/<id> one run's own screen. */
export function Backups() {
  const { router } = useStore();
  return runIdOf(router.path.value) === null ? <History /> : <BackupRun />;
}

/** History loads the history on arrival and follows a run while one goes on. */
function History() {
  const history = useBackupHistory();
  const shown = history.summary !== null;
  // Back from a run's page, at the place the row was opened from (its rows drawn from memory).
  useLayoutEffect(() => {
    if (!shown || listScroll.y === null) return;
    scrollTo(0, listScroll.y);
    listScroll.y = null;
  }, [shown]);
  const now = useAgentNow(30_000);
  const { summary, step } = history;
  const finished = step?.kind === 'finished' ? step.run.id : null;
  const access = useAccess();

  return (
    <Screen title="Backups">
      {history.error !== null && <Notice kind="error">{describeError(history.error)}</Notice>}
      {summary === null ? (
        history.error === null && <p aria-live="polite">Loading…</p>
      ) : (
        // Offline, the last visit's page shows greyed, without the actions that need the Pi.
        <div class={history.stale ? 'group is-stale' : 'group'}>
          <SummaryCard
            summary={summary}
            step={step}
            now={now}
            start={history.startBackup}
            keep={history.keepSchedule}
            mayStart={access.may('POST', ROUTES.backups) && !history.stale}
          />
          <RecoveryCard recovery={history.recovery} refresh={history.refresh} now={now} />
          <DriveHealthCard now={now} />
          {history.chart && <BackupChart points={history.chart} now={now} />}
          <BackupRunList
            runs={history.runs}
            running={summary.running}
            highlight={finished}
            now={now}
            more={{
              can: history.next !== null,
              busy: history.loadingMore,
              load: history.loadMore,
            }}
          />
        </div>
      )}
    </Screen>
  );
}

function SummaryCard(props: {
  summary: BackupSummary;
  step: FollowStep | null;
  now: number;
  start: () => Promise<void>;
  keep: () => Promise<void>;
  /** Back up now is for admins (ARCHITECTURE §14). */
  mayStart: boolean;
}) {
  const { summary, now } = props;
  const lastGood = summary.lastGoodAt;
  const details = [
    lastGood === null ? null : formatDateTime(lastGood),
    summary.lastGoodSnapshotId && `snapshot ${shortSnapshotId(summary.lastGoodSnapshotId)}`,
    summary.snapshots === null
      ? null
      : `${summary.snapshots.toLocaleString()} snapshot${summary.snapshots === 1 ? '' : 's'} in all`,
  ].filter(Boolean);
  return (
    <section
      class="card backup-summary"
      aria-labelledby="backup-summary-h"
      data-testid="backups-summary"
    >
      <div class="row">
        <h2 id="backup-summary-h">Summary</h2>
        {summary.demo && (
          <span class="badge" data-testid="backup-demo">
            Demo data
          </span>
        )}
      </div>
      <p
        class={`value small${backupNeedsCare(summary) ? ' backup-care' : ''}`}
        data-testid="backup-last-good"
      >
        {headline(summary, now)}
      </p>
      {details.length > 0 && <p class="hint">{details.join(' · ')}</p>}
      <p data-testid="backup-next">{nextRunWords(summary, now)}</p>
      {summary.demo && (
        <p class="hint">
          Runs marked “demo” were made up by the sandbox Pi of npm start, not by rustic.
        </p>
      )}
      {summary.stale && (
        <Notice kind="warning">
          No good backup for too long. Check the runs below, and that the drive is unlocked.
        </Notice>
      )}
      <BackupProgress summary={summary} step={props.step} />
      {props.mayStart && (
        <BackupNowButton
          start={props.start}
          keep={props.keep}
          busy={props.step?.kind === 'starting' || summary.running !== null}
          nextAt={summary.nextAt}
        />
      )}
    </section>
  );
}

// A last run that made no snapshot leads, ahead of the last good one (issue 16).
const NO_SNAPSHOT: Partial<Record<NonNullable<BackupSummary['lastResult']>, string>> = {
  failed: 'Last backup failed',
  interrupted: 'Last backup was interrupted',
};

/** headline is the summary's first line: "Last backup failed · last good 2 days ago". */
function headline(summary: BackupSummary, now: number): string {
  const lastGood = summary.lastGoodAt;
  const bad = summary.lastResult === null ? undefined : NO_SNAPSHOT[summary.lastResult];
  if (bad)
    return `${bad} · ${lastGood === null ? 'no good backup yet' : `last good ${formatAge(now - lastGood)}`}`;
  return lastGood === null ? 'No good backup yet' : `Last good backup ${formatAge(now - lastGood)}`;
}
