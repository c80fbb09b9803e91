// Whether backups are stale (the backup-stale alert, ARCHITECTURE §10): no good one for too long.

const HOUR_MS = 3_600_000;

export interface StalenessInput {
  /** Wall ms of the newest good backup, null when there never was one. */
  lastGoodAt: number | null;
  /** Wall ms since when the agent has watched backups: the clock starts here without a good one. */
  watchingSince: number;
  now: number;
  staleHours: number;
  graceHours: number;
}

export interface Staleness {
  stale: boolean;
  /** Whole hours since the last good backup (or since watching began), 0 when the clock went back. */
  hoursSince: number;
}

/**
 * backupStaleness says whether more than staleHours + graceHours passed since the last good
 * backup, or since the agent began watching when there was none (a new install is not stale at
 * once). A clock that went back reads as no time passed, never as a negative age. Pure.
 */
export function backupStaleness(input: StalenessInput): Staleness {
  const { lastGoodAt, watchingSince, now, staleHours, graceHours } = input;
  const elapsed = now - (lastGoodAt ?? watchingSince);
  return {
    stale: elapsed > (staleHours + graceHours) * HOUR_MS,
    hoursSince: elapsed > 0 ? Math.floor(elapsed / HOUR_MS) : 0,
  };
}
