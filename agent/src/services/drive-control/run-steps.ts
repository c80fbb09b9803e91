// Runs an operation's steps in order, each marked running, then done, skipped or failed, at once.
import type { Operation, OperationError } from '../../../../shared/unlock.ts';
import type { HelperAnswer } from '../../helper/answers.ts';
import type { OperationLog, PlannedStep } from './operations.ts';
import { operationError } from './steps.ts';

/** A step ends done or skipped, or with the error that ends the whole operation. */
export type StepOutcome = 'done' | 'skipped' | OperationError;

export type StepWork = (step: PlannedStep) => Promise<StepOutcome>;

/**
 * runSteps runs the operation's steps with the work `workFor` gives each, stopping at the first
 * error, and calls afterStep after every step. A step that throws (a bug, or a helper client
 * that broke its promise never to throw) ends the operation as helper-unavailable.
 */
export async function runSteps(
  log: OperationLog,
  op: Operation,
  workFor: (stepId: string) => StepWork,
  options: { afterStep: () => void; onCrash: (error: unknown) => void },
): Promise<OperationError | null> {
  for (const { id, label } of op.steps) {
    const step = { id, label };
    log.startStep(op, id);
    let outcome: StepOutcome;
    try {
      outcome = await workFor(id)(step);
    } catch (error) {
      options.onCrash(error);
      outcome = operationError('helper-unavailable', step);
    }
    log.endStep(op, id, typeof outcome === 'string' ? outcome : 'failed');
    options.afterStep();
    if (typeof outcome !== 'string') return outcome;
  }
  return null;
}

/**
 * answerWithin waits for a helper answer at most `ms`, or answers 'timeout'. The helper keeps
 * its own, equal limits and answers `timeout` itself; this guard is only for a helper that hangs.
 */
export function answerWithin(
  call: Promise<HelperAnswer>,
  ms: number,
): Promise<HelperAnswer | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
    timer.unref(); // a stopping agent does not wait for a guard
  });
  return Promise.race([call, expired]).finally(() => clearTimeout(timer));
}

/** helperOutcome turns a helper answer (or a timeout) into a step outcome. */
export function helperOutcome(
  answer: HelperAnswer | 'timeout',
  step: PlannedStep,
  errorFrom: (refusal: Extract<HelperAnswer, { ok: false }>) => OperationError,
): StepOutcome {
  if (answer === 'timeout') return operationError('step-timeout', step);
  return answer.ok ? 'done' : errorFrom(answer);
}
