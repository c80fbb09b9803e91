// The run history, newest first: what each run did, its flags and reason, and a way into its detail.
import { useState } from 'preact/hooks';
import type { BackupRunSummary, BackupSummary } from '../../../shared/backups.ts';
import {
  FLAG_WORDS,
  filesWords,
  formatRunDuration,
  RESULT_LEVEL,
  RESULT_WORDS,
  shortSnapshotId,
} from '../backups/format.ts';
import { formatBytes, formatDateTime } from '../format.ts';
import { BackupRunDetail } from './BackupRunDetail.tsx';

/** BackupRunList lists the running run (if any) above the recorded ones, with "Load more". */
export function BackupRunList(props: {
  runs: readonly BackupRunSummary[];
  running: BackupSummary['running'];
  /** The run just followed to its end, shown highlighted. */
  highlight: string | null;
  /** The Pi's clock now, for the running run's age. */
  now: number;
  more: { can: boolean; busy: boolean; load: () => void };
}) {
  const { runs, running } = props;
  return (
    <section class="section" aria-labelledby="runs-h">
      <h2 id="runs-h">Runs</h2>
      {runs.length === 0 && !running && (
        <p data-testid="backup-none">
          No backup has been recorded yet. The first one runs at the next scheduled time, or now.
        </p>
      )}
      <ol class="list">
        {running && (
          <li class="list-item backup-run is-busy" data-testid="backup-row" data-result="running">
            <div class="row">
              <strong>
                {running.since === null ? 'Started earlier' : formatDateTime(running.since)}
              </strong>
              <span class="badge result-busy">{RESULT_WORDS.running}</span>
            </div>
            <p class="hint">
              {running.since === null
                ? 'Going on now.'
                : `Going on for ${formatRunDuration((props.now - running.since) / 1000)}.`}
            </p>
          </li>
        )}
        {runs.map((run) => (
          <RunRow key={run.id} run={run} highlighted={run.id === props.highlight} />
        ))}
      </ol>
      {props.more.can && (
        <button
          type="button"
          disabled={props.more.busy}
          onClick={props.more.load}
          data-testid="backup-more"
        >
          {props.more.busy ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  );
}

/** runFacts is a run's numbers in one line: how long, files, bytes added, snapshot. */
function runFacts(run: BackupRunSummary): string[] {
  const facts: string[] = [];
  if (run.durationSeconds !== null) facts.push(`took ${formatRunDuration(run.durationSeconds)}`);
  const files = filesWords(run);
  if (files) facts.push(files);
  if (run.bytesAdded !== null) facts.push(`${formatBytes(run.bytesAdded)} added`);
  if (run.snapshotId) facts.push(`snapshot ${shortSnapshotId(run.snapshotId)}`);
  if (run.demo) facts.push('demo');
  return facts;
}

function RunRow({ run, highlighted }: { run: BackupRunSummary; highlighted: boolean }) {
  const [open, setOpen] = useState(false);
  const level = RESULT_LEVEL[run.result];
  const detailId = `backup-run-${run.id}`;
  const facts = runFacts(run);
  return (
    <li
      class={`list-item backup-run is-${level}${highlighted ? ' is-new' : ''}`}
      data-testid="backup-row"
      data-result={run.result}
      data-id={run.id}
    >
      <div class="row">
        <strong>
          {run.startedAt === null
            ? `Ended ${formatDateTime(run.endedAt)}`
            : formatDateTime(run.startedAt)}
        </strong>
        <span class={`badge result-${level}`}>{RESULT_WORDS[run.result]}</span>
      </div>
      {highlighted && <p class="backup-new-note">Just finished</p>}
      {facts.length > 0 && <p class="hint">{facts.join(' · ')}</p>}
      {run.flags.map((flag) => (
        <p key={flag} class="backup-flag" data-testid="backup-flag">
          {FLAG_WORDS[flag]}
        </p>
      ))}
      {run.result !== 'succeeded' && run.reason && <p class="backup-reason">{run.reason}</p>}
      <button
        type="button"
        class="link backup-open"
        aria-expanded={open}
        aria-controls={detailId}
        onClick={() => setOpen(!open)}
      >
        {open ? 'Hide details' : run.result === 'succeeded' ? 'Details' : 'Why? Details and log'}
      </button>
      {open && <BackupRunDetail id={run.id} domId={detailId} />}
    </li>
  );
}
