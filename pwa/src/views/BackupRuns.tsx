// The run history, newest first: one compact row per run (when, result, size), each opening the
// run's own screen (BackupRun.tsx).
import type { BackupRunSummary, BackupSummary } from '../../../shared/backups.ts';
import {
  FLAG_WORDS,
  formatRunDuration,
  RESULT_ICONS,
  RESULT_LEVEL,
  RESULT_WORDS,
} from '../backups/format.ts';
import { formatBytes } from '../format.ts';
import { runPath } from '../router.ts';
import { Link } from '../ui/Link.tsx';
import { formatWhen } from '../when.ts';

/**
 * listScroll is where the list was scrolled when a row was opened: back from the run's page, the
 * list opens there again (Backups.tsx), as a phone's lists do. Null once used, or gone elsewhere.
 */
export const listScroll: { y: number | null } = { y: null };

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
      <ol class="backup-rows">
        {running && (
          <li class="backup-run is-busy" data-testid="backup-row" data-result="running">
            <div class="backup-row">
              <span class="backup-icon result-busy" aria-hidden="true">
                {RESULT_ICONS.running}
              </span>
              <span class="backup-row-when">
                {running.since === null ? 'Started earlier' : formatWhen(running.since, props.now)}
                <span class="backup-row-result">
                  {running.since === null
                    ? 'going on now'
                    : `running for ${formatRunDuration((props.now - running.since) / 1000)}`}
                </span>
              </span>
            </div>
          </li>
        )}
        {runs.map((run) => (
          <RunRow key={run.id} run={run} highlighted={run.id === props.highlight} now={props.now} />
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

/** RunRow is one compact row, the whole of it a link to the run's own screen. */
function RunRow(props: { run: BackupRunSummary; highlighted: boolean; now: number }) {
  const { run, highlighted } = props;
  const level = RESULT_LEVEL[run.result];
  return (
    <li
      class={`backup-run is-${level}${highlighted ? ' is-new' : ''}`}
      data-testid="backup-row"
      data-result={run.result}
      data-id={run.id}
      // Before the link's own click, which scrolls the new screen to its top.
      onClickCapture={() => {
        listScroll.y = scrollY;
      }}
    >
      <Link to={runPath(run.id)} class="backup-row">
        <span class={`backup-icon result-${level}`} aria-hidden="true">
          {RESULT_ICONS[run.result]}
        </span>
        <span class="backup-row-when">
          {formatWhen(run.startedAt ?? run.endedAt, props.now)}
          <span class="sr-only">, {RESULT_WORDS[run.result]}</span>
          {run.result !== 'succeeded' && (
            <span class={`backup-row-result result-${level}`} aria-hidden="true">
              {RESULT_WORDS[run.result]}
            </span>
          )}
        </span>
        {run.bytesAdded !== null && (
          <span class="backup-row-size">
            {formatBytes(run.bytesAdded)}
            <span class="sr-only"> added</span>
          </span>
        )}
        <span class="backup-chevron" aria-hidden="true">
          ›
        </span>
      </Link>
      {highlighted && <p class="backup-new-note">Just finished</p>}
      {run.flags.map((flag) => (
        <p key={flag} class="backup-flag" data-testid="backup-flag">
          {FLAG_WORDS[flag]}
        </p>
      ))}
    </li>
  );
}
