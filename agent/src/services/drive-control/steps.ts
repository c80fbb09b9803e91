// The steps of unlock and lock in the words a person reads, and the errors that end them.

import type { OperationErrorCode } from '../../../../shared/errors.ts';
import type { OperationError } from '../../../../shared/unlock.ts';
import type { HelperRefusal } from '../../helper/answers.ts';
import type { PlannedStep } from './operations.ts';

/** What people call the services of the seed system (ARCHITECTURE §1); others keep their name. */
const KNOWN_UNITS: Record<string, { label: string; inSentence: string }> = {
  postgresql: { label: 'Postgres', inSentence: 'Postgres' },
  'immich-server': { label: 'Immich', inSentence: 'Immich' },
  'immich-machine-learning': { label: 'Machine learning', inSentence: 'machine learning' },
  'immich-backup': { label: 'Backup', inSentence: 'the backup' },
  'immich-pi-verify-backup': { label: 'Restore test', inSentence: 'the restore test' },
};

function known(unit: string) {
  return KNOWN_UNITS[unit.replace(/\.service$/, '')];
}

/** unitLabel names a unit for a person: "Postgres", "Immich", "Machine learning", or the unit. */
export function unitLabel(unit: string): string {
  return known(unit)?.label ?? unit;
}

function inSentence(unit: string): string {
  return known(unit)?.inSentence ?? unit;
}

export const STEP_LABELS = {
  open: 'Opening the drive',
  mount: 'Mounting the drive',
  ping: 'Waiting for Immich to answer',
  unmount: 'Unmounting the drive',
  close: 'Closing the drive',
} as const;

/** unlockPlan: open, mount, start each unit in order, then wait for Immich (ARCHITECTURE §7). */
export function unlockPlan(units: readonly string[]): PlannedStep[] {
  return [
    { id: 'open', label: STEP_LABELS.open },
    { id: 'mount', label: STEP_LABELS.mount },
    ...units.map((unit) => ({ id: `start:${unit}`, label: `Starting ${inSentence(unit)}` })),
    { id: 'ping', label: STEP_LABELS.ping },
  ];
}

/**
 * lockPlan is unlock in reverse, a running restore drill (when one is configured) and backup
 * stopped first: both read the drive, and a drill stopped so cleans its scratch and says why.
 */
export function lockPlan(
  units: readonly string[],
  backupUnit: string,
  verifyUnit?: string,
): PlannedStep[] {
  return [
    ...(verifyUnit
      ? [{ id: `stop:${verifyUnit}`, label: `Stopping ${inSentence(verifyUnit)}` }]
      : []),
    { id: `stop:${backupUnit}`, label: `Stopping ${inSentence(backupUnit)}` },
    ...[...units]
      .reverse()
      .map((unit) => ({ id: `stop:${unit}`, label: `Stopping ${inSentence(unit)}` })),
    { id: 'unmount', label: STEP_LABELS.unmount },
    { id: 'close', label: STEP_LABELS.close },
  ];
}

/** The unit a step acts on, or null for open, mount, ping, unmount, close. */
export function stepUnit(stepId: string): string | null {
  const at = stepId.indexOf(':');
  return at < 0 ? null : stepId.slice(at + 1);
}

/** operationError builds the error that ends an operation at `step`, in fixed words. */
export function operationError(
  code: OperationErrorCode,
  step: PlannedStep,
  extra: Partial<Pick<OperationError, 'logLines' | 'triesLeft' | 'retryAfterSeconds'>> & {
    waitedSeconds?: number;
  } = {},
): OperationError {
  const unit = stepUnit(step.id);
  return {
    code,
    message: messageFor(code, step, unit, extra.waitedSeconds),
    step: step.id,
    unit,
    logLines: extra.logLines ?? [],
    triesLeft: extra.triesLeft ?? null,
    retryAfterSeconds: extra.retryAfterSeconds ?? null,
  };
}

function messageFor(
  code: OperationErrorCode,
  step: PlannedStep,
  unit: string | null,
  waitedSeconds = 0,
): string {
  switch (code) {
    case 'wrong-passphrase':
      return 'The passphrase is wrong.';
    case 'unlock-rate-limited':
      return 'Too many wrong passphrases: wait before trying again.';
    case 'insufficient-memory':
      return 'There is not enough free memory to open the drive.';
    case 'drive-missing':
      return 'The drive is not connected.';
    case 'kdf-busy':
      return 'The drive is already being opened.';
    case 'unit-failed':
      return `${unit ? unitLabel(unit) : step.label} failed to start.`;
    case 'step-timeout':
      return `${step.label} took too long.`;
    case 'immich-not-answering':
      return `Immich did not answer within ${Math.round(waitedSeconds)} seconds.`;
    case 'helper-unavailable':
      return 'The agent could not reach its helper.';
    case 'helper-error':
      return `${step.label} failed.`;
  }
}

/** errorFromHelper turns the helper's refusal at `step` into the operation's error. */
export function errorFromHelper(answer: HelperRefusal, step: PlannedStep): OperationError {
  switch (answer.code) {
    case 'wrong-passphrase':
      return operationError('wrong-passphrase', step, { triesLeft: answer.triesLeft });
    case 'unlock-rate-limited':
      return operationError('unlock-rate-limited', step, {
        retryAfterSeconds: answer.retryAfterSeconds,
      });
    case 'unit-failed':
      return operationError('unit-failed', step, { logLines: answer.logLines });
    case 'insufficient-memory':
    case 'drive-missing':
    case 'kdf-busy':
    case 'helper-unavailable':
      return operationError(answer.code, step);
    case 'timeout':
      return operationError('step-timeout', step);
    case 'bad-frame':
    case 'unknown-verb':
    case 'unit-not-allowed':
    case 'command-failed':
    // The recovery verbs' refusals: never answered to an unlock's steps.
    case 'smartctl-missing':
    case 'no-disk':
      return operationError('helper-error', step);
  }
}
