// The real clock: wall time may jump (no RTC on the Pi), monotonic time never does.
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Clock } from '../ports.ts';

/** How long one look at the timesync flag file is trusted, in monotonic ms. */
const SYNCED_CACHE_MS = 5000;

/**
 * systemClock reads Date.now for wall time and performance.now for monotonic time; synced() is
 * true while systemd-timesyncd's flag file exists, checked at most every `cacheMs`.
 */
export function systemClock(timesyncPath: string, cacheMs = SYNCED_CACHE_MS): Clock {
  const monotonic = () => performance.now();
  let checkedAt = Number.NEGATIVE_INFINITY;
  let synced = false;
  return {
    wall: () => Date.now(),
    monotonic,
    synced() {
      const now = monotonic();
      if (now - checkedAt >= cacheMs) {
        synced = existsSync(timesyncPath);
        checkedAt = now;
      }
      return synced;
    },
  };
}
