// "Back up now": a confirmation that says it may move the daily schedule, then the run as it goes.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { BackupSummary } from '../../../shared/backups.ts';
import type { FollowStep } from '../backups/follow.ts';
import { outcomeWords, RESULT_LEVEL } from '../backups/format.ts';
import { describeError } from '../errors.ts';
import { formatAge } from '../format.ts';
import { useAgentNow } from '../hooks/useBackupHistory.ts';
import { useStore } from '../store.ts';
import { Notice } from '../ui/Notice.tsx';

/** BackupNowButton asks first in a modal dialog; a refusal is said there, in the agent's reason. */
export function BackupNowButton(props: { start: () => Promise<void>; busy: boolean }) {
  const store = useStore();
  const dialog = useRef<HTMLDialogElement>(null);
  const [asking, setAsking] = useState(false);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    // showModal makes the rest of the page inert and puts focus in the dialog; Escape cancels.
    if (asking && !dialog.current?.open) dialog.current?.showModal();
    if (!asking && dialog.current?.open) dialog.current.close();
  }, [asking]);

  async function confirm() {
    setSending(true);
    setError(null);
    try {
      await props.start();
      setAsking(false);
    } catch (failure) {
      store.noteFailure(failure);
      setError(failure);
    } finally {
      setSending(false);
    }
  }

  return (
    <>
      <button
        type="button"
        class="primary"
        disabled={props.busy}
        data-testid="backup-now"
        onClick={() => {
          setError(null);
          setAsking(true);
        }}
      >
        Back up now
      </button>
      <dialog
        ref={dialog}
        class="dialog"
        aria-labelledby="backup-now-h"
        aria-describedby="backup-now-d"
        onClose={() => setAsking(false)}
      >
        <h2 id="backup-now-h" class="dialog-title">
          Back up now?
        </h2>
        <p id="backup-now-d">
          The Pi copies new and changed photos to the backup now. This can move the daily schedule:
          a timer that counts from the last run (as the seed’s does) starts the next automatic
          backup about 24 hours after this one. The next run shows here once it starts.
        </p>
        {error !== null && (
          <p class="dialog-error" role="alert" data-testid="backup-refused">
            {describeError(error)}
          </p>
        )}
        <div class="actions">
          <button type="button" autofocus onClick={() => setAsking(false)}>
            Cancel
          </button>
          <button
            type="button"
            class="backup-go"
            disabled={sending}
            data-testid="backup-confirm"
            onClick={confirm}
          >
            {sending ? 'Starting…' : 'Back up now'}
          </button>
        </div>
      </dialog>
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
