// Unit states shared by status and the operations: one `systemctl show` per few seconds at most.
import type { ReadUnitStates, UnitState } from '../../adapters/units.ts';

export interface UnitCache {
  /** current answers the states, read again when the last read is older than maxAgeMs. */
  current(): Promise<ReadonlyMap<string, UnitState>>;
  /** refresh reads now (coalesced with a read already in flight that started after the call). */
  refresh(): Promise<ReadonlyMap<string, UnitState>>;
}

/**
 * createUnitCache reads all `units` in one spawn, never more often than every maxAgeMs for
 * status, and at once after each step of an operation. Concurrent callers share one read.
 */
export function createUnitCache(options: {
  units: readonly string[];
  read: ReadUnitStates;
  monotonic: () => number;
  maxAgeMs?: number;
}): UnitCache {
  const { units, read, monotonic, maxAgeMs = 3000 } = options;
  let last: { states: Map<string, UnitState>; atMono: number } | null = null;
  let inflight: Promise<Map<string, UnitState>> | null = null;

  const readNow = (): Promise<Map<string, UnitState>> => {
    inflight ??= read(units)
      .then((states) => {
        const byUnit = new Map(units.map((unit, i) => [unit, states[i] ?? 'unknown'] as const));
        last = { states: byUnit, atMono: monotonic() };
        return byUnit;
      })
      .finally(() => {
        inflight = null;
      });
    return inflight;
  };

  return {
    async current() {
      if (last && monotonic() - last.atMono < maxAgeMs) return last.states;
      return readNow();
    },
    async refresh() {
      // A read that started before this call may predate the step that just ended: wait it out.
      if (inflight) await inflight.catch(() => {});
      return readNow();
    },
  };
}
