// Unlock and lock (ARCHITECTURE §7): one operation at a time, steps visible at once, run to the end.

import type { ErrorCode } from '../../../../shared/errors.ts';
import { toBase64url } from '../../../../shared/protocol/index.ts';
import type { DriveState, UnitStatus } from '../../../../shared/status.ts';
import type {
  Operation,
  OperationStarted,
  UnlockCheckResponse,
} from '../../../../shared/unlock.ts';
import { decideStart, deriveDriveState, type OperationKind } from '../../domain/drive-machine.ts';
import type { DriveProbe } from '../../domain/drive-state.ts';
import { PassphraseLimiter } from '../../domain/passphrase-limit.ts';
import { ApiError, UnlockRateLimitedError } from '../../errors.ts';
import { checkWork } from './check.ts';
import type { DriveControlDeps, DriveControlEvent } from './deps.ts';
import { OperationLog, type PlannedStep } from './operations.ts';
import { lockPlan, unitLabel, unlockPlan } from './steps.ts';
import { createUnitCache } from './unit-cache.ts';
import { lockWork, unlockWork } from './work.ts';

export type { DriveControlDeps, DriveControlEvent };

/** DriveReport is the drive part of GET /api/v1/status. */
export type DriveReport = {
  state: DriveState;
  units: UnitStatus[];
  /** The backup unit's state (not one of the services status lists). */
  backupUnit: UnitStatus['state'];
  /** The restore drill's unit state; 'unknown' when none is configured. */
  verifyUnit: UnitStatus['state'];
  operation: { id: string; kind: OperationKind } | null;
  /** The kind of the operation started last, running or ended; null before the first. */
  lastOperation: OperationKind | null;
  unlock: { triesLeft: number; retryAfterSeconds: number | null };
};

export interface DriveControl {
  /** unlock takes ownership of the passphrase bytes and zeroes them on every path. */
  unlock(passphrase: Uint8Array, deviceId?: string | null): Promise<OperationStarted>;
  lock(deviceId?: string | null): Promise<OperationStarted>;
  /**
   * check tells whether the passphrase opens the drive, opening nothing (a wrong one counts
   * against the tries); it takes ownership of the bytes and zeroes them on every path.
   */
  check(passphrase: Uint8Array, deviceId?: string | null): Promise<UnlockCheckResponse>;
  /** get answers a copy of an operation, null when unknown (or one of the forgotten oldest). */
  get(id: string): Operation | null;
  /** report derives the drive's state from a probe, the unit states and the operations. */
  report(probe: DriveProbe): Promise<DriveReport>;
  /**
   * listen tells `listener` every event from now on: the services that react to an unlock or a
   * lock (alerts, the catch-up backup) subscribe themselves, as they do to DeviceRegistry.
   */
  listen(listener: (event: DriveControlEvent) => void): void;
  /** idle resolves once no operation runs (tests, and a clean stop). */
  idle(): Promise<void>;
  /** prepare readies a helper for an unlock about to come (a phone just fetched the key). */
  prepare(): void;
  /**
   * syncTries counts the wrong passphrases the helper has on record (they outlive an agent
   * restart), so status never promises tries the helper would refuse. False when it cannot ask.
   */
  syncTries(): Promise<boolean>;
}

const REFUSAL_WORDS: Partial<Record<ErrorCode, string>> = {
  'already-unlocked': 'The drive is already unlocked.',
  'already-locked': 'The drive is already locked.',
  'drive-missing': 'The drive is not connected.',
};

/** How long status waits for a read of the helper's wrong-passphrase record in flight. */
const SYNC_WAIT_MS = 3000;

/** settledWithin resolves when `work` settles or after ms, whichever comes first. */
function settledWithin(work: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref?.();
    work.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** createDriveControl builds the orchestrator; main.ts gives it the helper and the system. */
export function createDriveControl(deps: DriveControlDeps): DriveControl {
  const { config, clock } = deps;
  const log = new OperationLog(clock.wall, () => toBase64url(deps.randomBytes(16)));
  // In memory and by the monotonic clock; the helper keeps its own count across restarts.
  const limiter = new PassphraseLimiter();
  const unitCache = createUnitCache({
    units: [...config.units, config.backupUnit, ...(config.verifyUnit ? [config.verifyUnit] : [])],
    read: deps.readUnitStates,
    monotonic: clock.monotonic,
    maxAgeMs: deps.unitsMaxAgeMs,
  });
  let running: Promise<void> = Promise.resolve();

  const budget = (): DriveReport['unlock'] => {
    const check = limiter.check(clock.monotonic());
    return check.allowed
      ? { triesLeft: check.triesLeft, retryAfterSeconds: null }
      : { triesLeft: 0, retryAfterSeconds: Math.ceil(check.retryAfterMs / 1000) };
  };

  async function report(probe: DriveProbe): Promise<DriveReport> {
    const [states] = await Promise.all([
      unitCache.current(),
      syncing && settledWithin(syncing, SYNC_WAIT_MS),
    ]);
    const units = config.units.map((unit) => ({
      unit,
      label: unitLabel(unit),
      state: states.get(unit) ?? 'unknown',
    }));
    const latest = log.latest();
    const current = log.running();
    return {
      state: deriveDriveState({ probe, units, operation: latest }),
      units,
      backupUnit: states.get(config.backupUnit) ?? 'unknown',
      verifyUnit: (config.verifyUnit && states.get(config.verifyUnit)) || 'unknown',
      operation: current ? { id: current.id, kind: current.kind } : null,
      lastOperation: latest?.kind ?? null,
      unlock: budget(),
    };
  }

  /** joinable answers the running operation of this kind, refuses the other kind, else null. */
  function joinable(kind: OperationKind): Operation | null {
    const current = log.running();
    if (!current) return null;
    if (current.kind === kind) return current;
    const doing = current.kind === 'unlock' ? 'unlocked' : 'locked';
    throw new ApiError('operation-in-progress', `The drive is being ${doing}: wait for it.`);
  }

  /** begin joins, refuses or starts an operation; nothing awaits between the last check and start. */
  async function begin(
    kind: OperationKind,
    plan: PlannedStep[],
    beforeStart: () => void = () => {},
  ): Promise<{ op: Operation; joined: boolean }> {
    const early = joinable(kind);
    if (early) return { op: early, joined: true };
    const probe = await deps.probeDrive();
    // Unit states only tell running from degraded, which needs the mapping open; a locked drive
    // skips the systemctl call, which would sit on the unlock's critical path.
    const { state } = probe.mapperOpen
      ? await report(probe)
      : { state: deriveDriveState({ probe, units: [], operation: log.latest() }) };
    const late = joinable(kind); // another request may have started one while we looked
    if (late) return { op: late, joined: true };
    const decision = decideStart(kind, state);
    if (decision.action === 'refuse') {
      throw new ApiError(decision.code, REFUSAL_WORDS[decision.code] ?? 'Not now.');
    }
    beforeStart();
    return { op: log.begin(kind, plan), joined: false };
  }

  // A read of the helper's record in flight: status waits for it (briefly), so the tries it
  // shows right after a start are the helper's, not a fresh count. Null once it has ended.
  let syncing: Promise<unknown> | null = null;
  function syncTries(): Promise<boolean> {
    const read = (async () => {
      const answer = await deps.callHelper({ verb: 'tries' });
      if (!answer.ok || !('failureAgesMs' in answer)) {
        const why = answer.ok ? 'not an answer to tries' : answer.code;
        deps.log.info(`cannot read the helper's wrong-passphrase record: ${why}`);
        return false;
      }
      const now = clock.monotonic();
      limiter.takeFailures(answer.failureAgesMs.map((age) => now - age));
      return true;
    })();
    syncing = read;
    void read.finally(() => {
      if (syncing === read) syncing = null;
    });
    return read;
  }

  const listeners: ((event: DriveControlEvent) => void)[] = [];
  const emit = (event: DriveControlEvent) => {
    for (const listener of listeners) listener(event);
  };
  const context = { deps, log, limiter, unitCache, settle: () => settle(), syncTries, emit };
  async function settle(): Promise<void> {
    await unitCache.refresh();
    deps.invalidateProbe();
  }

  /** keepOn runs an operation's work; a bug inside it ends the operation, never the agent. */
  function keepOn(op: Operation, work: Promise<void>): Promise<void> {
    return work.catch((error) => {
      deps.log.error(`the ${op.kind} operation crashed`, error);
      if (log.running() !== op) return;
      const step = op.steps.find((s) => s.state === 'running') ?? null;
      log.finish(op, {
        code: 'helper-error',
        message: 'The agent failed during this step.',
        step: step?.id ?? null,
        unit: null,
        logLines: [],
        triesLeft: null,
        retryAfterSeconds: null,
      });
    });
  }

  return {
    async unlock(passphrase, deviceId = null) {
      let handedOver = false;
      try {
        const { op, joined } = await begin('unlock', unlockPlan(config.units), () => {
          const check = limiter.check(clock.monotonic());
          if (!check.allowed) {
            throw new UnlockRateLimitedError(Math.ceil(check.retryAfterMs / 1000));
          }
        });
        if (!joined) {
          handedOver = true;
          running = keepOn(op, unlockWork(context, op, passphrase, deviceId));
        }
        return { operationId: op.id, joined };
      } finally {
        if (!handedOver) passphrase.fill(0);
      }
    },
    async lock(deviceId = null) {
      const { op, joined } = await begin(
        'lock',
        lockPlan(config.units, config.backupUnit, config.verifyUnit),
      );
      if (!joined) {
        emit({ type: 'lock-started', at: clock.wall(), operationId: op.id });
        running = keepOn(op, lockWork(context, op, deviceId));
      }
      return { operationId: op.id, joined };
    },
    check: (passphrase, deviceId = null) => checkWork(context, passphrase, deviceId),
    get: (id) => log.get(id),
    listen: (listener) => void listeners.push(listener),
    report,
    prepare: () => deps.callHelper.warm?.(),
    syncTries,
    idle: async () => {
      while (log.running()) await running;
    },
  };
}
