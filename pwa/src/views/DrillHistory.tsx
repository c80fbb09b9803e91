// The restore tests the Pi keeps, newest first: each a date, its result in a mark, a word and a
// colour, one line, and for one that failed, what came back wrong.
import type { Drill } from '../../../shared/recovery.ts';
import { formatDateTime } from '../clock.ts';
import { checkLine, DRILL_LEVEL, DRILL_RESULT_WORDS, drillLine } from '../recovery/words.ts';

/** DrillHistory lists the drills; a native disclosure holds a failed one's detail (no state). */
export function DrillHistory({ drills }: { drills: readonly Drill[] }) {
  return (
    <>
      <h3 class="recovery-h3">Restore tests</h3>
      {drills.length === 0 ? (
        <p class="hint" data-testid="drill-none">
          None yet. The Pi tests a restore once a month, or when an admin asks.
        </p>
      ) : (
        <ol class="list" aria-label="Restore tests, newest first">
          {drills.map((drill) => (
            <DrillRow key={drill.id} drill={drill} />
          ))}
        </ol>
      )}
    </>
  );
}

function DrillRow({ drill }: { drill: Drill }) {
  const level = DRILL_LEVEL[drill.result];
  const words = DRILL_RESULT_WORDS[drill.result];
  return (
    <li
      class={`list-item backup-run is-${level}`}
      data-testid="drill-row"
      data-result={drill.result}
      data-id={drill.id}
    >
      <div class="row">
        <strong>{formatDateTime(drill.endedAt)}</strong>
        <span class={`badge result-${level}`}>
          <span aria-hidden="true">{words.mark}</span> {words.label}
        </span>
      </div>
      <p class="hint">{drillLine(drill)}</p>
      {drill.result !== 'passed' && (
        <details class="guide" data-testid="drill-detail">
          <summary>
            {drill.result === 'failed' ? 'What came back wrong' : 'Why it did not finish'}
          </summary>
          <DrillDetail drill={drill} />
        </details>
      )}
    </li>
  );
}

/** DrillDetail is a failed drill's facts: the reason, each file that differed, the dump, the check. */
function DrillDetail({ drill }: { drill: Drill }) {
  const check = checkLine(drill.check);
  const dump = drill.dump;
  return (
    <dl class="backup-facts">
      <dt>Why</dt>
      <dd data-testid="drill-reason">{drill.reason ?? 'No reason recorded.'}</dd>
      {drill.filesChecked > 0 && (
        <>
          <dt>Files</dt>
          <dd>
            {drill.filesMatched} of {drill.filesChecked} came back as they are on the drive
          </dd>
        </>
      )}
      {drill.mismatches.length > 0 && (
        <>
          <dt>Files that came back wrong</dt>
          <dd>
            <ul class="recovery-files" data-testid="drill-mismatches">
              {drill.mismatches.map((m) => (
                <li key={m.path}>
                  <code>{m.path}</code>: {m.problem}
                </li>
              ))}
            </ul>
          </dd>
        </>
      )}
      <dt>Database dump</dt>
      <dd data-testid="drill-dump">
        {dump === null
          ? 'Not restored'
          : dump.ok
            ? `${dump.name}: intact`
            : `${dump.name}: ${dump.problem ?? 'not a good dump'}`}
      </dd>
      {check && (
        <>
          <dt>Repository check</dt>
          <dd data-testid="drill-check">{check}</dd>
        </>
      )}
    </dl>
  );
}
