// The unlock state machine (ARCHITECTURE §7) and the drive state reported from what the system shows.

import type { ErrorCode } from '../../../shared/errors.ts';
import type { DriveState, UnitStatus } from '../../../shared/status.ts';
import { type DriveProbe, driveStateFromProbe } from './drive-state.ts';

export type OperationKind = 'unlock' | 'lock';

/** DriveEvent is what moves the machine: a request, or how an operation ended. */
export type DriveEvent =
  | 'unlock'
  | 'lock'
  | 'unlock-succeeded'
  | 'unlock-failed'
  | 'lock-succeeded'
  | 'lock-failed';

export type Transition = { ok: true; state: DriveState } | { ok: false; code: ErrorCode };

// locked → unlocking → running | degraded | failed; running → locking → locked; missing.
// degraded and failed are half-up states: unlock again finishes the job, lock tears it down.
// A missing drive may still be locked: after a USB drop the mapping and services stay behind.
const MOVES: Record<DriveState, Partial<Record<DriveEvent, DriveState>>> = {
  missing: { lock: 'locking' },
  locked: { unlock: 'unlocking' },
  unlocking: { 'unlock-succeeded': 'running', 'unlock-failed': 'failed' },
  running: { lock: 'locking' },
  degraded: { unlock: 'unlocking', lock: 'locking' },
  failed: { unlock: 'unlocking', lock: 'locking' },
  locking: { 'lock-succeeded': 'locked', 'lock-failed': 'failed' },
};

/** Why a request cannot start from a state (a request that may start is not listed). */
const REFUSALS: Record<OperationKind, Partial<Record<DriveState, ErrorCode>>> = {
  unlock: {
    missing: 'drive-missing',
    running: 'already-unlocked',
    unlocking: 'operation-in-progress',
    locking: 'operation-in-progress',
  },
  lock: {
    locked: 'already-locked',
    unlocking: 'operation-in-progress',
    locking: 'operation-in-progress',
  },
};

/** transition answers the state after an event, or the stable code that refuses it. */
export function transition(state: DriveState, event: DriveEvent): Transition {
  const next = MOVES[state][event];
  if (next !== undefined) return { ok: true, state: next };
  const refusal = event === 'unlock' || event === 'lock' ? REFUSALS[event][state] : undefined;
  return { ok: false, code: refusal ?? 'operation-in-progress' };
}

export type StartDecision =
  | { action: 'start' }
  | { action: 'join' }
  | { action: 'refuse'; code: ErrorCode };

/**
 * decideStart says what a request for `kind` does in `state`: start an operation, join the one
 * of the same kind already running (a second unlock joins the first), or refuse with a code.
 */
export function decideStart(kind: OperationKind, state: DriveState): StartDecision {
  if (state === (kind === 'unlock' ? 'unlocking' : 'locking')) return { action: 'join' };
  const move = transition(state, kind);
  return move.ok ? { action: 'start' } : { action: 'refuse', code: move.code };
}

/** LastOperation is the latest unlock or lock this agent ran, as far as the state cares. */
export interface LastOperation {
  kind: OperationKind;
  state: 'running' | 'succeeded' | 'failed';
}

export interface DriveFacts {
  probe: DriveProbe;
  /** The configured services (postgresql, immich-server, machine learning). */
  units: readonly Pick<UnitStatus, 'state'>[];
  /** The latest operation, null when none ran since the agent started. */
  operation: LastOperation | null;
}

const UP = new Set<UnitStatus['state']>(['active', 'activating', 'deactivating']);

/**
 * deriveDriveState reports the drive's state from the system, never from a file: an operation
 * in flight shows as unlocking or locking; otherwise the probe decides missing, locked or open;
 * an open drive is running only when every service is active; a half-up system is failed when
 * the latest operation failed and degraded when nothing recorded why (say, after a restart).
 */
export function deriveDriveState(facts: DriveFacts): DriveState {
  const { probe, units, operation } = facts;
  if (operation?.state === 'running') return operation.kind === 'unlock' ? 'unlocking' : 'locking';
  const base = driveStateFromProbe(probe);
  if (base === 'missing') return 'missing';
  const allActive = units.every((u) => u.state === 'active');
  const anyUp = units.some((u) => UP.has(u.state));
  // Closed and quiet is locked, whatever failed before (a wrong passphrase leaves it so).
  if (base === 'locked' && !anyUp) return 'locked';
  if (operation?.state === 'failed') return 'failed';
  if (base === 'running' && allActive) return 'running';
  return 'degraded';
}
