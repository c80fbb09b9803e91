// The live steps of an unlock or lock, and how it ended: shared by the Unlock and Lock screens.

import type { ComponentChildren } from 'preact';
import type { UnitStatus } from '../../../shared/status.ts';
import type { Operation } from '../../../shared/unlock.ts';
import { ApiError, OfflineError } from '../api/index.ts';
import { describeError } from '../errors.ts';
import {
  currentStep,
  failureOf,
  formatDuration,
  STEP_STATE_WORDS,
  SUCCESS_WORDS,
  stepTime,
} from '../operation.ts';
import { useStore } from '../store.ts';
import { Notice } from './Notice.tsx';
import './OperationProgress.css';

/** OperationSteps lists every step with its state and the time it took or has taken so far. */
/**
 * OperationProgress is a followed unlock or lock as both screens show it: trouble reaching the Pi,
 * the steps, the outcome, and `ended` (what to do next) once it is over or the Pi lost it.
 */
export function OperationProgress(props: {
  operation: Operation | null;
  error: unknown;
  units: readonly UnitStatus[];
  ended: ComponentChildren;
}) {
  const { operation, error } = props;
  const over =
    (operation !== null && operation.state !== 'running') ||
    (error instanceof ApiError && error.code === 'operation-not-found');
  return (
    <>
      <PollTrouble error={error} />
      {operation === null && error === null && <p aria-live="polite">Starting…</p>}
      {operation && <OperationSteps operation={operation} />}
      {operation && <OperationOutcome operation={operation} units={props.units} />}
      {over && props.ended}
    </>
  );
}

/** The steps' heading says where the operation is: going on, done, or stopped. */
const STEPS_HEADING: Record<Operation['kind'], Record<Operation['state'], string>> = {
  unlock: { running: 'Unlocking', succeeded: 'Unlocked', failed: 'Unlock failed' },
  lock: { running: 'Locking', succeeded: 'Locked', failed: 'Lock failed' },
};

export function OperationSteps({ operation }: { operation: Operation }) {
  const { api } = useStore();
  const agentNow = Date.now() + (api.clockOffsetMs() ?? 0);
  const running = currentStep(operation);
  return (
    <section class="card" aria-labelledby="steps-h">
      <h2 id="steps-h">{STEPS_HEADING[operation.kind][operation.state]}</h2>
      <ol class="op-steps" data-testid="steps">
        {operation.steps.map((step) => {
          const time = stepTime(step, agentNow);
          return (
            <li key={step.id} class={`op-step is-${step.state}`} data-state={step.state}>
              <span class="op-mark" aria-hidden="true" />
              <span class="op-label">
                {step.label}
                <span class="sr-only">, {STEP_STATE_WORDS[step.state]}</span>
              </span>
              {time !== null && <span class="op-time">{time}</span>}
            </li>
          );
        })}
      </ol>
      {/* Announce each new step once, not every tick of its timer. */}
      <p class="sr-only" aria-live="polite">
        {running ? `${running.label}…` : ''}
      </p>
    </section>
  );
}

/** OperationOutcome says how the operation ended, with a failed unit's last log lines as text. */
export function OperationOutcome(props: { operation: Operation; units: readonly UnitStatus[] }) {
  const { operation } = props;
  if (operation.state === 'running') return null;
  if (operation.state === 'succeeded') {
    const took = operation.finishedAt === null ? null : operation.finishedAt - operation.startedAt;
    return (
      <div class="outcome is-ok" role="status">
        <p class="outcome-title" data-testid="outcome">
          {SUCCESS_WORDS[operation.kind]}
        </p>
        {took !== null && <p class="hint">Done in {formatDuration(took)}.</p>}
      </div>
    );
  }
  const failure = failureOf(operation, props.units);
  return (
    <Notice kind="error">
      <p data-testid="outcome">{failure?.words ?? 'It failed.'}</p>
      {failure && failure.logLines.length > 0 && (
        <>
          <p class="hint">Its last log lines:</p>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a log that scrolls sideways must take keyboard focus to be scrolled (WCAG 2.1.1) */}
          <pre class="log" data-testid="log-lines" tabIndex={0}>
            {failure.logLines.map((line, i) => (
              // Lines repeat and never move: their position is their identity.
              <span key={i} class="log-line">
                {line}
                {'\n'}
              </span>
            ))}
          </pre>
        </>
      )}
    </Notice>
  );
}

/** PollTrouble explains a failure to reach the operation: passing (offline) or final. */
export function PollTrouble({ error }: { error: unknown }) {
  if (error === null) return null;
  if (error instanceof OfflineError || (error instanceof ApiError && error.status >= 500))
    return (
      <Notice kind="warning">
        The Pi can’t be reached right now. It carries on without this phone; this page catches up
        when the Pi answers again.
      </Notice>
    );
  return <Notice kind="error">{describeError(error)}</Notice>;
}
