// "Back up now": starts at once, says so in a snackbar (and where the schedule moved to, if it
// did, with the choice to keep the old time), then the run as it goes.
import { useEffect, useState } from 'preact/hooks';
import { type BackupSummary, SCHEDULE_MOVED_MS } from '../../../shared/backups.ts';
import type { FollowStep } from '../backups/follow.ts';
import { outcomeWords, RESULT_LEVEL } from '../backups/format.ts';
import { formatNextRun } from '../backups/summary.ts';
import { describeError } from '../errors.ts';
import { formatAge } from '../format.ts';
import { useAction } from '../hooks/useAction.ts';
import { useAgentNow } from '../hooks/useBackupHistory.ts';
import { Notice } from '../ui/Notice.tsx';

interface Started {
  /** The schedule's next run when the tap came. */
  nextBefore: number | null;
  /** Whether "Backup started" has shown long enough. */
  quiet: boolean;
  /** Whether OK was tapped. */
  dismissed: boolean;
  /** The nightly time kept from the snackbar, once the Pi took it. */
  kept: number | null;
}

/**
 * BackupNowButton starts a run on the tap: no dialog, a snackbar says it started. The schedule's
 * next run is noted before the start; when the Pi's answer moves it, the snackbar says to when
 * and offers to keep the old time (the Pi then starts the backup at it, which puts the timer back).
 */
export function BackupNowButton(props: {
  start: () => Promise<void>;
  keep: () => Promise<void>;
  busy: boolean;
  nextAt: number | null;
}) {
  const sending = useAction();
  const keeping = useAction();
  // The next run as it was before the tap; quiet once "Backup started" has been read.
  const [started, setStarted] = useState<Started | null>(null);
  const now = useAgentNow(60_000);
  const before = started?.nextBefore ?? null;
  const moved =
    before !== null && props.nextAt !== null && Math.abs(props.nextAt - before) >= SCHEDULE_MOVED_MS
      ? props.nextAt
      : null;

  // "Backup started" alone leaves by itself; a moved schedule stays until read and dismissed.
  useEffect(() => {
    if (started === null || started.quiet) return;
    const timer = setTimeout(() => setStarted((s) => s && { ...s, quiet: true }), 8000);
    return () => clearTimeout(timer);
  }, [started]);
  const kept = started?.kept ?? null;
  const shown =
    started !== null && !started.dismissed && (!started.quiet || moved !== null || kept !== null);

  return (
    <>
      <button
        type="button"
        class="primary"
        disabled={props.busy || sending.busy}
        data-testid="backup-now"
        onClick={async () => {
          const nextBefore = props.nextAt;
          setStarted(null);
          keeping.setError(null);
          if (await sending.run(props.start))
            setStarted({ nextBefore, quiet: false, dismissed: false, kept: null });
        }}
      >
        {sending.busy ? 'Starting…' : 'Back up now'}
      </button>
      {sending.error !== null && (
        <Notice kind="error">
          <span data-testid="backup-refused">{describeError(sending.error)}</span>
        </Notice>
      )}
      {/* A live region present before its words: screen readers announce what comes into it. */}
      <div role="status" class="snackbar-host">
        {shown && (
          <div class="snackbar" data-testid="backup-snackbar">
            <p>
              Backup started.
              {kept !== null ? (
                <span data-testid="backup-kept">
                  {' '}
                  The nightly backup keeps its time: next run {formatNextRun(kept, now)}.
                </span>
              ) : (
                moved !== null && (
                  <span data-testid="backup-moved">
                    {' '}
                    Your nightly backup will move to {formatNextRun(moved, now)}: the Pi’s timer
                    counts from the last run.
                  </span>
                )
              )}
              {keeping.error !== null && (
                <span data-testid="backup-keep-refused"> {describeError(keeping.error)}</span>
              )}
            </p>
            <div class="snackbar-actions">
              {kept === null && moved !== null && before !== null && (
                <button
                  type="button"
                  class="link"
                  disabled={keeping.busy}
                  data-testid="backup-keep"
                  onClick={async () => {
                    if (await keeping.run(props.keep))
                      setStarted((s) => s && { ...s, kept: before });
                  }}
                >
                  {keeping.busy ? 'Keeping…' : `Keep ${formatNextRun(before, now)}`}
                </button>
              )}
              <button
                type="button"
                class="link"
                onClick={() => setStarted((s) => s && { ...s, dismissed: true })}
              >
                OK
              </button>
            </div>
          </div>
        )}
      </div>
    </>
  );
}

/** BackupProgress says where a followed run stands: starting, running (live), or how it ended. */
export function BackupProgress(props: { summary: BackupSummary; step: FollowStep | null }) {
  const now = useAgentNow(1000);
  const { summary, step } = props;
  if (summary.running || step?.kind === 'starting' || step?.kind === 'running') {
    const since = summary.running?.since ?? null;
    return (
      <p class="backup-live" aria-live="polite" data-testid="backup-running">
        {summary.running
          ? `Backing up… ${since === null ? '' : `started ${formatAge(now - since)}`}`
          : 'Starting the backup…'}
      </p>
    );
  }
  if (step?.kind === 'reporting')
    return <p aria-live="polite">The backup ended; waiting for the Pi to record it…</p>;
  if (step?.kind === 'lost')
    return (
      <Notice kind="warning">
        <span data-testid="backup-outcome" data-result="lost">
          {step.why === 'never-started'
            ? 'The Pi took the request, but no backup started within a minute. It skips backups while the drive is not mounted.'
            : 'The backup ended, but the Pi has not recorded it yet. It shows here once recorded.'}
        </span>
      </Notice>
    );
  if (step?.kind === 'finished') {
    const level = RESULT_LEVEL[step.run.result];
    return (
      <Notice kind={level === 'ok' ? 'info' : level === 'warn' ? 'warning' : 'error'}>
        <span data-testid="backup-outcome" data-result={step.run.result}>
          {outcomeWords(step.run)}
        </span>
      </Notice>
    );
  }
  return null;
}
