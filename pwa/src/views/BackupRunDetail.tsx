// One run opened: why it ended as it did, how systemd saw it end, and its last log lines as text.
import { useEffect, useState } from 'preact/hooks';
import type { BackupRun } from '../../../shared/backups.ts';
import { exitWords, formatRunDuration } from '../backups/format.ts';
import { describeError } from '../errors.ts';
import { formatDateTime } from '../format.ts';
import { useStore } from '../store.ts';
import { Notice } from '../ui/Notice.tsx';

/** BackupRunDetail fetches the run in full when opened (the list carries no log lines). */
export function BackupRunDetail(props: { id: string; domId: string }) {
  const store = useStore();
  const [run, setRun] = useState<BackupRun | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let shown = true;
    (async () => {
      try {
        const found = await (await store.api.backupCalls()).backupRun(props.id);
        if (shown) setRun(found);
      } catch (failure) {
        store.noteFailure(failure);
        if (shown) setError(failure);
      }
    })();
    return () => {
      shown = false;
    };
  }, [props.id, store]);

  return (
    <div class="backup-detail" id={props.domId} data-testid="backup-detail">
      {error !== null ? (
        <Notice kind="error">{describeError(error)}</Notice>
      ) : run === null ? (
        <p aria-live="polite">Loading…</p>
      ) : (
        <RunFacts run={run} />
      )}
    </div>
  );
}

function RunFacts({ run }: { run: BackupRun }) {
  const why =
    run.reason ??
    (run.result === 'succeeded'
      ? 'A new snapshot appeared in the repository during the run.'
      : 'The Pi recorded no reason.');
  return (
    <>
      <dl class="backup-facts">
        <dt>Why</dt>
        <dd data-testid="backup-reason">{why}</dd>
        <dt>How the unit ended</dt>
        <dd>{exitWords(run.exit)}</dd>
        <dt>Ended</dt>
        <dd>
          {formatDateTime(run.endedAt)}
          {run.durationSeconds !== null && `, after ${formatRunDuration(run.durationSeconds)}`}
        </dd>
        {run.snapshotId && (
          <>
            <dt>Snapshot</dt>
            <dd>
              <code>{run.snapshotId}</code>
            </dd>
          </>
        )}
        {run.filesProcessed !== null && (
          <>
            <dt>Files looked at</dt>
            <dd>{run.filesProcessed.toLocaleString()}</dd>
          </>
        )}
      </dl>
      <h3 class="backup-log-h">Last log lines</h3>
      {run.log.length === 0 ? (
        <p class="hint">No log lines were recorded for this run.</p>
      ) : (
        // Every line is text, never HTML (§12); browsers let a keyboard scroll the box.
        <pre class="backup-log" data-testid="backup-log">
          {run.log.map((line, i) => (
            // Lines repeat and never move: their position is their identity.
            <span key={i} class="backup-log-line">
              {line}
              {'\n'}
            </span>
          ))}
        </pre>
      )}
    </>
  );
}
