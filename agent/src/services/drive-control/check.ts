// POST /unlock/check (ARCHITECTURE §15): does a passphrase open the drive? The helper asks
// cryptsetup (`open --test-passphrase`, nothing mapped), and a wrong one counts like a wrong unlock.
import type { UnlockCheckResponse } from '../../../../shared/unlock.ts';
import { ApiError, UnlockRateLimitedError } from '../../errors.ts';
import type { HelperRefusal } from '../../helper/answers.ts';
import { answerWithin } from './run-steps.ts';
import type { WorkContext } from './work.ts';

const DEFAULT_HELPER_GRACE_MS = 10_000;

/**
 * checkWork checks the passphrase through the helper and answers whether it matches; refusals
 * (too many tries, another check holding the KDF, no drive) are thrown as their ApiErrors. It
 * owns the passphrase and zeroes it as soon as the helper client has framed it.
 */
export async function checkWork(
  context: Pick<WorkContext, 'deps' | 'limiter' | 'syncTries' | 'emit'>,
  passphrase: Uint8Array,
  deviceId: string | null,
): Promise<UnlockCheckResponse> {
  const { deps, limiter } = context;
  const { clock } = deps;
  const call = (() => {
    try {
      const before = limiter.check(clock.monotonic());
      if (!before.allowed) throw new UnlockRateLimitedError(Math.ceil(before.retryAfterMs / 1000));
      return deps.callHelper({ verb: 'check', passphrase });
    } finally {
      passphrase.fill(0);
    }
  })();
  const grace = deps.helperGraceMs ?? DEFAULT_HELPER_GRACE_MS;
  const answer = await answerWithin(call, deps.config.timeouts.kdfSeconds * 1000 + grace);
  if (answer !== 'timeout' && answer.ok) {
    limiter.recordSuccess();
    await deps.audit.record(
      'unlock-checked',
      'The unlock passphrase was checked: it is right.',
      deviceId,
    );
    return { matches: true, triesLeft: triesLeft(context) };
  }
  if (answer === 'timeout' || answer.code !== 'wrong-passphrase') {
    throw await refusal(context, answer);
  }
  limiter.recordFailure(clock.monotonic());
  // The helper may have counted failures this agent never saw (made before a restart).
  if (answer.triesLeft < triesLeft(context)) await context.syncTries();
  const left = Math.min(answer.triesLeft, triesLeft(context));
  await deps.audit.record(
    'unlock-checked',
    `An unlock passphrase was checked: it is wrong (${left} tries left before a wait).`,
    deviceId,
  );
  // A wrong passphrase is a wrong passphrase, checked or not: the admins hear of it.
  context.emit({
    type: 'unlock-failed',
    at: clock.wall(),
    operationId: null,
    code: 'wrong-passphrase',
    triesLeft: left,
    retryAfterSeconds: null,
    deviceId,
  });
  return { matches: false, triesLeft: left };
}

function triesLeft(context: Pick<WorkContext, 'deps' | 'limiter'>): number {
  const check = context.limiter.check(context.deps.clock.monotonic());
  return check.allowed ? check.triesLeft : 0;
}

/** refusal turns a helper refusal (or no answer) into the check's HTTP error. */
async function refusal(
  context: Pick<WorkContext, 'syncTries'>,
  answer: HelperRefusal | 'timeout',
): Promise<ApiError> {
  if (answer === 'timeout') {
    return new ApiError('helper-unavailable', 'The Pi took too long to check the passphrase.');
  }
  switch (answer.code) {
    case 'unlock-rate-limited':
      // The helper counts across agent restarts: when it refuses, its record is the truth.
      await context.syncTries();
      return new UnlockRateLimitedError(answer.retryAfterSeconds);
    case 'kdf-busy':
      return new ApiError('kdf-busy', 'Another passphrase is being checked: try again shortly.');
    case 'insufficient-memory':
      return new ApiError(
        'insufficient-memory',
        'The Pi has too little free memory to check the passphrase now.',
      );
    case 'drive-missing':
      return new ApiError('drive-missing', 'The drive is not connected.');
    default:
      return new ApiError(
        'helper-unavailable',
        `The Pi could not check the passphrase: ${answer.message}.`,
      );
  }
}
