// The guard's record as the tile shows it (GuardStatus in shared/immich.ts).
import type { GuardState, GuardStatus } from '../../../shared/immich.ts';
import type { GuardRecord } from './thermal-guard.ts';

/**
 * guardStatusPart is the record as the tile shows it: the GuardStatus fields the guard knows
 * (the service adds lastError and the settings). A cap outranks a pause, as it says the guard
 * could not act as it wanted.
 */
export function guardStatusPart(
  record: GuardRecord,
  enabled: boolean,
): Pick<GuardStatus, 'state' | 'reason' | 'since' | 'pausedQueues' | 'capped'> {
  let state: GuardState = 'idle';
  if (!enabled) state = 'off';
  else if (record.overridden) state = 'overridden';
  else if (record.capped) state = 'capped';
  else if (record.paused.length > 0) state = 'paused';
  const held = record.paused.length > 0 || record.capped || record.overridden;
  return {
    state,
    reason: held ? record.reason : null,
    since: held ? record.since : null,
    pausedQueues: [...record.paused],
    capped: record.capped,
  };
}
