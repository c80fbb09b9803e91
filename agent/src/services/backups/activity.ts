// Whether a backup runs now: from its before record, the unit's state, or a start just asked for.
import type { UnitState } from '../../adapters/units.ts';
import type { BeforeRecord } from '../../domain/backups/spool-record.ts';
import type { Clock } from '../../ports.ts';

/** A start asked for shows as running this long, until the unit or its before record says so. */
const REQUESTED_GRACE_MS = 15_000;

/** BackupActivity keeps the few facts "is a backup running?" is answered from. */
export class BackupActivity {
  /** The backup unit's state as last read (every monitor sample, and before "back up now"). */
  unitState: UnitState = 'unknown';
  private requestedAt: { mono: number; wall: number } | null = null;

  constructor(private readonly clock: Clock) {}

  /** requested notes that a start was just asked for, and answers when (wall ms). */
  requested(): number {
    const wall = this.clock.wall();
    this.requestedAt = { mono: this.clock.monotonic(), wall };
    return wall;
  }

  /** seen takes in what a spool read found: a run under way, or runs that ended. */
  seen(ended: boolean, underWay: boolean): void {
    // The start asked for is now seen: as a run under way, or ended already.
    if (underWay || ended) this.requestedAt = null;
    // A run's report is written in its ExecStopPost, so a unit state read before the report came
    // still says the run goes on: the report is the newer news until the next sample.
    if (ended && !underWay) this.unitState = 'unknown';
  }

  /** running answers the run going on, from its before record, the unit, or a start just asked. */
  running(before: BeforeRecord | undefined): { since: number | null } | null {
    if (before) return { since: before.at.wallMs };
    // A oneshot service is activating while it runs; deactivating is its ExecStopPost, the report.
    if (this.unitState === 'activating' || this.unitState === 'active') {
      return { since: this.requestedAt?.wall ?? null };
    }
    const requested = this.requestedAt;
    if (requested && this.clock.monotonic() - requested.mono < REQUESTED_GRACE_MS) {
      return { since: requested.wall };
    }
    return null;
  }
}
