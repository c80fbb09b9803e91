// "Back up now": a confirmation that says it may move the daily schedule, then the run as it goes.
import { useState } from 'preact/hooks';
import type { BackupSummary } from '../../../shared/backups.ts';
import type { FollowStep } from '../backups/follow.ts';
import { outcomeWords, RESULT_LEVEL } from '../backups/format.ts';
import { formatAge } from '../format.ts';
import { useAction } from '../hooks/useAction.ts';
import { useAgentNow } from '../hooks/useBackupHistory.ts';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';
import { Notice } from '../ui/Notice.tsx';

/** BackupNowButton asks first in a modal dialog; a refusal is said there, in the agent's reason. */
export function BackupNowButton(props: { start: () => Promise<void>; busy: boolean }) {
  const [asking, setAsking] = useState(false);
  const sending = useAction();

  return (
    <>
      <button
        type="button"
        class="primary"
        disabled={props.busy}
        data-testid="backup-now"
        onClick={() => {
          sending.setError(null);
          setAsking(true);
        }}
      >
        Back up now
      </button>
      <ConfirmDialog
        id="backup-now"
        open={asking}
        title="Back up now?"
        action={{
          label: 'Back up now',
          busyLabel: 'Starting…',
          class: 'backup-go',
          testId: 'backup-confirm',
        }}
        busy={sending.busy}
        error={sending.error}
        errorTestId="backup-refused"
        onConfirm={async () => {
          if (await sending.run(props.start)) setAsking(false);
        }}
        onCancel={() => setAsking(false)}
      >
        The Pi copies new and changed photos to the backup now. This can move the daily schedule: a
        timer that counts from the last run (as the seed’s does) starts the next automatic backup
        about 24 hours after this one. The next run shows here once it starts.
      </ConfirmDialog>
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
