// One run's own screen (/backups/<id>): how it ended and why, its numbers, and its last log lines.
import { useCallback, useEffect } from 'preact/hooks';
import type { BackupRun as Run } from '../../../shared/backups.ts';
import {
  exitWords,
  FLAG_WORDS,
  filesWords,
  formatRunDuration,
  RESULT_ICONS,
  RESULT_LEVEL,
  runHeadline,
  shortSnapshotId,
} from '../backups/format.ts';
import { describeError } from '../errors.ts';
import { formatBytes } from '../format.ts';
import { useAgentNow } from '../hooks/useBackupHistory.ts';
import { useKept } from '../hooks/useKept.ts';
import { runIdOf } from '../router.ts';
import { useStore } from '../store.ts';
import { Notice } from '../ui/Notice.tsx';
import { Screen } from '../ui/Screen.tsx';
import { formatWhen } from '../when.ts';
import { listScroll } from './BackupRuns.tsx';
import './Backups.css';

/** BackupRun loads the run named by the address; the last run opened stays readable offline. */
export function BackupRun() {
  const store = useStore();
  const id = runIdOf(store.router.path.value) ?? '';
  const load = useCallback(async () => (await store.api.backupCalls()).backupRun(id), [id, store]);
  // One kept copy, the last run opened: a phone never fills up with logs.
  const kept = useKept<Run>('backup-run', load, null);
  const run = kept.data?.id === id ? kept.data : null;
  // Leaving for anywhere but the list, the list's place is forgotten: a tab opens it at its top.
  useEffect(
    () => () => {
      if (store.router.path.value !== '/backups') listScroll.y = null;
    },
    [store],
  );
  return (
    <Screen title="Backup run" back={{ to: '/backups', label: 'Backups' }}>
      {kept.error !== null && <Notice kind="error">{describeError(kept.error)}</Notice>}
      {run ? (
        <div class={kept.stale ? 'group is-stale' : 'group'}>
          <RunCard run={run} />
          <RunLog log={run.log} />
        </div>
      ) : kept.stale ? (
        <p>This run was not kept on the phone. It shows once the Pi can be reached.</p>
      ) : (
        kept.error === null && <p aria-live="polite">Loading…</p>
      )}
    </Screen>
  );
}

function RunCard({ run }: { run: Run }) {
  const now = useAgentNow(30_000);
  const level = RESULT_LEVEL[run.result];
  const why =
    run.reason ??
    (run.result === 'succeeded'
      ? 'A new snapshot appeared in the repository during the run.'
      : 'The Pi recorded no reason.');
  const files = filesWords(run);
  return (
    <section
      class={`card backup-run is-${level}`}
      aria-labelledby="run-h"
      data-testid="backup-detail"
      data-result={run.result}
    >
      <h2 id="run-h" class="backup-run-h">
        <span class={`backup-icon result-${level}`} aria-hidden="true">
          {RESULT_ICONS[run.result]}
        </span>{' '}
        {runHeadline(run.result)}
      </h2>
      <p class="backup-reason" data-testid="backup-reason">
        {why}
      </p>
      {run.flags.map((flag) => (
        <p key={flag} class="backup-flag" data-testid="backup-flag">
          {FLAG_WORDS[flag]}
        </p>
      ))}
      <dl class="backup-facts">
        <dt>Started</dt>
        <dd data-testid="backup-started">
          {run.startedAt === null ? 'Not recorded' : formatWhen(run.startedAt, now)}
        </dd>
        <dt>Ended</dt>
        <dd data-testid="backup-ended">{formatWhen(run.endedAt, now)}</dd>
        {run.durationSeconds !== null && (
          <>
            <dt>Took</dt>
            <dd>{formatRunDuration(run.durationSeconds)}</dd>
          </>
        )}
        {run.bytesAdded !== null && (
          <>
            <dt>Added to the backup</dt>
            <dd>{formatBytes(run.bytesAdded)}</dd>
          </>
        )}
        {files && (
          <>
            <dt>Files</dt>
            <dd>{files}</dd>
          </>
        )}
        {run.filesProcessed !== null && (
          <>
            <dt>Files looked at</dt>
            <dd>{run.filesProcessed.toLocaleString()}</dd>
          </>
        )}
        {run.snapshotId && (
          <>
            <dt>Snapshot</dt>
            <dd>
              <code>{shortSnapshotId(run.snapshotId)}</code>
            </dd>
          </>
        )}
        <dt>How it ended</dt>
        <dd data-testid="backup-exit">{exitWords(run.exit)}</dd>
      </dl>
      {run.demo && <p class="hint">Made up by the sandbox Pi of npm start, not by rustic.</p>}
    </section>
  );
}

function RunLog({ log }: { log: readonly string[] }) {
  return (
    <section class="card" aria-labelledby="log-h">
      <h2 id="log-h">Last log lines</h2>
      {log.length === 0 ? (
        <p class="hint">No log lines were recorded for this run.</p>
      ) : (
        // Every line is text, never HTML (§12).
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a log that scrolls must take keyboard focus to be scrolled (WCAG 2.1.1)
        <pre class="backup-log" data-testid="backup-log" tabIndex={0}>
          {log.map((line, i) => (
            // Lines repeat and never move: their position is their identity.
            <span key={i} class="backup-log-line">
              {line}
              {'\n'}
            </span>
          ))}
        </pre>
      )}
    </section>
  );
}
