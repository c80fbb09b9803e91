// An unlock or lock as a person follows it: step times, outcome words, what a failure is about.

import type { UnitStatus } from '../../shared/status.ts';
import type { Operation, OperationStep } from '../../shared/unlock.ts';
import { describeOperationError, type OperationContext } from './operation-words.ts';

/** OperationKind is what an operation does to the drive. */
export type OperationKind = Operation['kind'];

/** formatDuration says how long a step took: "0.4 s", "3.2 s", "42 s", "2 min 5 s". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 10) return `${(Math.floor(seconds * 10) / 10).toFixed(1)} s`;
  if (seconds < 60) return `${Math.floor(seconds)} s`;
  const whole = Math.floor(seconds);
  const rest = whole % 60;
  return rest === 0 ? `${Math.floor(whole / 60)} min` : `${Math.floor(whole / 60)} min ${rest} s`;
}

/**
 * stepTime answers how long a step took, or has taken so far while it runs (on the agent's
 * clock, `agentNow`); null for a step that has not started or was skipped.
 */
export function stepTime(step: OperationStep, agentNow: number): string | null {
  // A skipped step did no work, whatever times the agent put on it.
  if (step.startedAt === null || step.state === 'skipped') return null;
  const end = step.finishedAt ?? (step.state === 'running' ? agentNow : null);
  return end === null ? null : formatDuration(end - step.startedAt);
}

/** STEP_STATE_WORDS says each step state for screen readers and beside its mark. */
export const STEP_STATE_WORDS: Record<OperationStep['state'], string> = {
  pending: 'waiting',
  running: 'in progress',
  done: 'done',
  failed: 'failed',
  skipped: 'skipped',
};

/** SUCCESS_WORDS is the headline when an operation succeeded. */
export const SUCCESS_WORDS: Record<OperationKind, string> = {
  unlock: 'Immich is running',
  lock: 'Locked',
};

/** describeStep is one line for a step: "Opening the drive · 3.2 s". */
export function describeStep(step: OperationStep, agentNow: number): string {
  const time = stepTime(step, agentNow);
  return time === null ? step.label : `${step.label} · ${time}`;
}

/** currentStep is the step running now, for a one-line summary; null when none runs. */
export function currentStep(operation: Operation): OperationStep | null {
  return operation.steps.find((step) => step.state === 'running') ?? null;
}

/**
 * failureOf answers what a failed operation should say (with the failed unit's name as a person
 * calls it, from the status's unit labels) and the log lines to show; null unless it failed.
 */
export function failureOf(
  operation: Operation,
  units: readonly UnitStatus[],
): { words: string; logLines: string[]; isPassphrase: boolean } | null {
  const error = operation.error;
  if (operation.state !== 'failed' || error === null) return null;
  const step = operation.steps.find((s) => s.id === error.step) ?? null;
  const about: OperationContext = {
    step: step?.label ?? 'A step',
    unit: units.find((u) => u.unit === error.unit)?.label ?? error.unit ?? 'A service',
  };
  return {
    words: describeOperationError(error, about),
    logLines: error.logLines,
    // These end back at the passphrase field rather than at the steps.
    isPassphrase: error.code === 'wrong-passphrase' || error.code === 'unlock-rate-limited',
  };
}
