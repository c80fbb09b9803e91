// The Backups screen's Recovery card (ARCHITECTURE §17): the last restore test, the newest database
// dump, the repository check, "Test a restore now" for admins, and the history of restore tests.
import type { ComponentChildren } from 'preact';
import { ROUTES } from '../../../shared/api.ts';
import type { Recovery } from '../../../shared/recovery.ts';
import { useAccess } from '../access.ts';
import { formatAge } from '../format.ts';
import { useAction } from '../hooks/useAction.ts';
import { useDrillFollow } from '../hooks/useDrillFollow.ts';
import type { DrillStep } from '../recovery/follow.ts';
import {
  checkLine,
  drillHeadline,
  drillRefusalWords,
  dumpLine,
  lastPassedWords,
  nextDrillWords,
  recoveryWarnings,
} from '../recovery/words.ts';
import { Notice } from '../ui/Notice.tsx';
import { DrillHistory } from './DrillHistory.tsx';
import './Recovery.css';

/** RecoveryCard follows a drill (one started here, or found running) until it is recorded. */
export function RecoveryCard(props: {
  recovery: Recovery | null;
  refresh: () => Promise<boolean>;
  now: number;
}) {
  const access = useAccess();
  const drill = useDrillFollow(props.recovery, props.refresh);
  const sending = useAction();
  return (
    <RecoveryCardView
      recovery={props.recovery}
      step={drill.step}
      now={props.now}
      mayStart={access.may('POST', ROUTES.restoreTests)}
      busy={sending.busy}
      error={sending.error}
      onStart={() => sending.run(drill.startDrill)}
    />
  );
}

export interface RecoveryViewProps {
  /** null from an agent without restore tests. */
  recovery: Recovery | null;
  /** The followed drill's latest step, null when none is followed. */
  step: DrillStep | null;
  /** The Pi's clock now. */
  now: number;
  /** "Test a restore now" is for admins (ARCHITECTURE §14). */
  mayStart: boolean;
  /** Whether the start request is on its way. */
  busy: boolean;
  /** The agent's refusal of the last start, null when none. */
  error: unknown;
  onStart(): void;
}

/** RecoveryCardView draws the card from its parts, without hooks (the unit tests draw it). */
export function RecoveryCardView(props: RecoveryViewProps) {
  const { recovery, now, step } = props;
  if (recovery === null)
    return (
      <RecoveryFrame>
        <p class="hint">This Pi does not test restores yet: update immich-pi on the Pi.</p>
      </RecoveryFrame>
    );
  const last = recovery.lastDrill;
  const warnings = recoveryWarnings(recovery, now);
  const check = checkLine(last?.check ?? null);
  const since = lastPassedWords(recovery, now);
  const demo = recovery.drills.some((drill) => drill.demo) || Boolean(last?.demo);
  const going = recovery.running !== null || step?.kind === 'starting' || step?.kind === 'running';
  return (
    <RecoveryFrame care={warnings.length > 0} demo={demo}>
      {warnings.map((warning) => (
        <Notice key={warning.id} kind="warning">
          <strong data-testid="recovery-warning" data-id={warning.id}>
            ⚠ {warning.title}.
          </strong>{' '}
          {warning.advice}
        </Notice>
      ))}
      <p
        class={`value small${last && last.result !== 'passed' ? ' backup-care' : ''}`}
        data-testid="recovery-last"
        data-result={last?.result ?? 'none'}
      >
        {drillHeadline(last, now)}
      </p>
      {since && <p class="hint">{since}</p>}
      <p
        class={recovery.dump.stale ? 'backup-care' : undefined}
        data-testid="recovery-dump"
        data-stale={recovery.dump.stale}
      >
        {dumpLine(recovery.dump, now)}
      </p>
      {check && <p data-testid="recovery-check">{check}</p>}
      <p class="hint" data-testid="recovery-next">
        {nextDrillWords(recovery.nextAt, now)}
      </p>
      {demo && (
        <p class="hint">
          Restore tests marked “demo” were made up by the sandbox Pi of npm start, not by rustic.
        </p>
      )}
      <DrillProgress recovery={recovery} step={step} now={now} />
      {props.error !== null && (
        <Notice kind="error">
          <span data-testid="restore-test-refused">{drillRefusalWords(props.error)}</span>
        </Notice>
      )}
      {props.mayStart && (
        <>
          <button
            type="button"
            class="primary"
            disabled={props.busy || going}
            data-testid="restore-test-now"
            onClick={props.onStart}
          >
            {props.busy ? 'Starting…' : 'Test a restore now'}
          </button>
          <p class="hint">
            The Pi restores a few photos and the newest database dump from the last backup into a
            scratch folder on the drive, compares them with the originals, then deletes the folder.
            It takes a few minutes; backups wait meanwhile.
          </p>
        </>
      )}
      <DrillHistory drills={recovery.drills} />
    </RecoveryFrame>
  );
}

/** DrillProgress says where a drill stands: starting, running (live), or how a followed one ended. */
function DrillProgress(props: { recovery: Recovery; step: DrillStep | null; now: number }) {
  const { recovery, step, now } = props;
  if (recovery.running || step?.kind === 'starting' || step?.kind === 'running') {
    const since = recovery.running?.since ?? null;
    return (
      <p class="backup-live" aria-live="polite" data-testid="recovery-running">
        {recovery.running
          ? `Restore test running…${since === null ? '' : ` started ${formatAge(now - since)}`}`
          : 'Starting the restore test…'}
      </p>
    );
  }
  if (step?.kind === 'recording')
    return <p aria-live="polite">The restore test ended; waiting for the Pi to record it…</p>;
  if (step?.kind === 'lost')
    return (
      <Notice kind="warning">
        <span data-testid="recovery-outcome" data-result="lost">
          {step.why === 'never-started'
            ? 'The Pi took the request, but no restore test started within a minute. It needs the drive unlocked.'
            : 'The restore test ended, but the Pi has not recorded it yet. It shows here once recorded.'}
        </span>
      </Notice>
    );
  if (step?.kind === 'finished') {
    const { result, reason } = step.drill;
    return (
      <Notice kind={result === 'passed' ? 'info' : result === 'failed' ? 'error' : 'warning'}>
        <span data-testid="recovery-outcome" data-result={result}>
          {result === 'passed'
            ? 'The restore test passed: everything came back intact.'
            : result === 'failed'
              ? 'The restore test failed: see what came back wrong below.'
              : `The restore test did not finish${reason ? `: ${reason}` : '.'}`}
        </span>
      </Notice>
    );
  }
  return null;
}

function RecoveryFrame(props: { care?: boolean; demo?: boolean; children: ComponentChildren }) {
  return (
    <section
      class={`card recovery${props.care ? ' is-care' : ''}`}
      aria-labelledby="recovery-h"
      data-testid="recovery"
      data-care={Boolean(props.care)}
    >
      <div class="row">
        <h2 id="recovery-h">Recovery</h2>
        {props.demo && (
          <span class="badge" data-testid="recovery-demo">
            Demo data
          </span>
        )}
      </div>
      {props.children}
    </section>
  );
}
