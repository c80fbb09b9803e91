// What each step of unlock and lock does: helper verbs in order, the Immich wait, audit and events.

import type { OperationErrorCode } from '../../../../shared/errors.ts';
import type { Operation, OperationError } from '../../../../shared/unlock.ts';
import type { PassphraseLimiter } from '../../domain/passphrase-limit.ts';
import type { HelperAnswer } from '../../helper/answers.ts';
import type { HelperRequest } from '../../helper/protocol.ts';
import type { DriveControlDeps, DriveControlEvent } from './deps.ts';
import type { OperationLog } from './operations.ts';
import { answerWithin, helperOutcome, runSteps, type StepWork } from './run-steps.ts';
import { errorFromHelper, operationError, stepUnit } from './steps.ts';
import type { UnitCache } from './unit-cache.ts';

export interface WorkContext {
  deps: DriveControlDeps;
  log: OperationLog;
  limiter: PassphraseLimiter;
  unitCache: UnitCache;
  /** settle reads the units again and drops the cached probe, so status shows the result. */
  settle(): Promise<void>;
  /** syncTries takes in the helper's wrong-passphrase record (DriveControl.syncTries). */
  syncTries(): Promise<boolean>;
  /** emit tells every listener (DriveControl.listen) what happened. */
  emit(event: DriveControlEvent): void;
}

const PING_EVERY_MS = 1000;
const DEFAULT_HELPER_GRACE_MS = 10_000;

/** unlockWork runs an unlock to its end; it owns the passphrase and zeroes it once handed over. */
export async function unlockWork(
  context: WorkContext,
  op: Operation,
  passphrase: Uint8Array,
  deviceId: string | null,
): Promise<void> {
  const { deps, limiter } = context;
  const { timeouts, mountUnit } = deps.config;
  const clock = deps.clock;
  const helperStep = stepRunner(context);
  let handedOver = false;

  const openDrive: StepWork = async (step) => {
    handedOver = true;
    const answer = await answerWithin(
      handOver(deps, passphrase),
      ms(timeouts.kdfSeconds) + grace(deps),
    );
    if (answer === 'timeout' || answer.ok || answer.code !== 'wrong-passphrase') {
      if (answer !== 'timeout' && answer.ok) limiter.recordSuccess();
      // The helper counts across agent restarts: when it refuses, its record is the truth.
      if (answer !== 'timeout' && !answer.ok && answer.code === 'unlock-rate-limited') {
        await context.syncTries();
      }
      return helperOutcome(answer, step, (refusal) => errorFromHelper(refusal, step));
    }
    limiter.recordFailure(clock.monotonic());
    const ours = limiter.check(clock.monotonic());
    // The helper may have counted failures this agent never saw (made before a restart).
    if (ours.allowed && answer.triesLeft < ours.triesLeft) await context.syncTries();
    const check = limiter.check(clock.monotonic());
    return operationError('wrong-passphrase', step, {
      triesLeft: Math.min(answer.triesLeft, check.allowed ? check.triesLeft : 0),
      retryAfterSeconds: check.allowed ? null : Math.ceil(check.retryAfterMs / 1000),
    });
  };

  const waitForImmich: StepWork = async (step) => {
    const limitMs = ms(timeouts.immichSeconds);
    const started = clock.monotonic();
    const sleep = deps.sleep ?? defaultSleep;
    // Bounded twice: by the monotonic clock and by the count of pings that fit in the limit.
    for (let ping = 0; ping <= Math.ceil(limitMs / PING_EVERY_MS); ping++) {
      if (await deps.pingImmich()) return 'done';
      if (clock.monotonic() - started >= limitMs) break;
      await sleep(PING_EVERY_MS);
    }
    return operationError('immich-not-answering', step, { waitedSeconds: timeouts.immichSeconds });
  };

  try {
    const error = await runSteps(
      context.log,
      op,
      (stepId) => {
        if (stepId === 'open') return openDrive;
        if (stepId === 'mount')
          return helperStep({ verb: 'start', unit: mountUnit }, timeouts.mountSeconds);
        if (stepId === 'ping') return waitForImmich;
        return helperStep({ verb: 'start', unit: stepUnit(stepId) ?? '' }, timeouts.unitSeconds);
      },
      stepHooks(context),
    );
    await finish(context, op, error, deviceId);
  } finally {
    if (!handedOver) passphrase.fill(0);
  }
}

/** lockWork runs a lock to its end: backup, services in reverse, unmount, close. */
export async function lockWork(
  context: WorkContext,
  op: Operation,
  deviceId: string | null,
): Promise<void> {
  const { timeouts, mountUnit, backupUnit, verifyUnit } = context.deps.config;
  const helperStep = stepRunner(context);
  /** stopIfRunning stops a unit that may run now (a backup, a drill), and skips an idle one. */
  const stopIfRunning =
    (unit: string): StepWork =>
    async (step) => {
      const state = (await context.unitCache.refresh()).get(unit);
      if (state === 'inactive' || state === 'failed' || state === undefined) return 'skipped';
      return helperStep({ verb: 'stop', unit }, timeouts.unitSeconds)(step);
    };
  const error = await runSteps(
    context.log,
    op,
    (stepId) => {
      if (stepId === `stop:${backupUnit}`) return stopIfRunning(backupUnit);
      if (verifyUnit && stepId === `stop:${verifyUnit}`) return stopIfRunning(verifyUnit);
      if (stepId === 'unmount')
        return helperStep({ verb: 'stop', unit: mountUnit }, timeouts.mountSeconds);
      if (stepId === 'close') return helperStep({ verb: 'close' }, timeouts.unitSeconds);
      return helperStep({ verb: 'stop', unit: stepUnit(stepId) ?? '' }, timeouts.unitSeconds);
    },
    stepHooks(context),
  );
  await finish(context, op, error, deviceId);
}

/** finish settles the system view, writes the audit entry, raises the event, then ends the op. */
async function finish(
  context: WorkContext,
  op: Operation,
  error: OperationError | null,
  deviceId: string | null,
): Promise<void> {
  const { deps } = context;
  await context
    .settle()
    .catch((e) => deps.log.error('cannot read the system after an operation', e));
  const at = deps.clock.wall();
  if (op.kind === 'unlock' && error) {
    await deps.audit.record('unlock-failed', `Unlocking failed. ${error.message}`, deviceId);
    context.emit({
      type: 'unlock-failed',
      at,
      operationId: op.id,
      // Every error of an operation is made by operationError from OPERATION_ERROR_CODES.
      code: error.code as OperationErrorCode,
      triesLeft: error.triesLeft,
      retryAfterSeconds: error.retryAfterSeconds,
      deviceId,
    });
  } else if (op.kind === 'unlock') {
    await deps.audit.record('unlocked', 'The drive was unlocked and Immich answers.', deviceId);
    context.emit({ type: 'immich-back', at, operationId: op.id });
  } else if (error) {
    await deps.audit.record('lock-failed', `Locking failed. ${error.message}`, deviceId);
  } else {
    await deps.audit.record('locked', 'The drive was locked.', deviceId);
  }
  context.log.finish(op, error);
}

/** stepRunner makes the work of a step that is one helper verb within the step's time limit. */
function stepRunner(context: WorkContext) {
  const { deps } = context;
  return (request: HelperRequest, seconds: number): StepWork =>
    async (step) => {
      const answer = await answerWithin(deps.callHelper(request), ms(seconds) + grace(deps));
      return helperOutcome(answer, step, (refusal) => errorFromHelper(refusal, step));
    };
}

function stepHooks(context: WorkContext) {
  return {
    // Not awaited: the next step need not wait for a status read; finish() awaits a fresh one.
    afterStep: () => {
      context.settle().catch((e) => context.deps.log.error('cannot read the units', e));
    },
    onCrash: (error: unknown) => context.deps.log.error('an operation step crashed', error),
  };
}

/**
 * handOver gives the passphrase to the helper client and zeroes it as soon as the call returns:
 * a CallHelper frames (copies) the bytes before its first await, so the agent's copy lives only
 * for that moment, not for the seconds of the KDF.
 */
function handOver(deps: DriveControlDeps, passphrase: Uint8Array): Promise<HelperAnswer> {
  try {
    return deps.callHelper({ verb: 'open', passphrase });
  } finally {
    passphrase.fill(0);
  }
}

const ms = (seconds: number) => Math.round(seconds * 1000);
const grace = (deps: DriveControlDeps) => deps.helperGraceMs ?? DEFAULT_HELPER_GRACE_MS;

function defaultSleep(delayMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, delayMs).unref());
}
