// The drive's SMART health (ARCHITECTURE §17): read through the helper after each unlock and every
// recovery.healthEveryHours, never while locked; raises drive-health-failing and
// drive-sectors-growing, remembering the counts in drive-health.json so growth is seen across restarts.
import * as v from 'valibot';
import { DriveHealth } from '../../../../shared/recovery.ts';
import type { DriveState } from '../../../../shared/status.ts';
import type { CallHelper } from '../../adapters/helper-client.ts';
import type { StateFile } from '../../adapters/state-store/index.ts';
import type { Config } from '../../config.ts';
import { grownCounts, growthDetail, nextBaseline } from '../../domain/recovery/sector-growth.ts';
import { badSectorCounts, driveHealthFromSmart, emptyHealth } from '../../domain/recovery/smart.ts';
import type { Clock, Logger } from '../../ports.ts';
import type { RecoveryAlertsPort } from './alerts-port.ts';

const HOUR_MS = 3_600_000;
/** drive-sectors-growing clears after this long without a count growing again. */
export const GROWTH_CLEARS_AFTER_MS = 7 * 24 * HOUR_MS;

const Count = v.nullable(v.number());

export const DriveHealthFile = v.object({
  /** The last reading, shown after a restart until the next one. */
  health: v.nullable(DriveHealth),
  /** The bad-sector counts the next reading is compared with. */
  baseline: v.nullable(
    v.object({
      reallocatedSectors: Count,
      pendingSectors: Count,
      offlineUncorrectable: Count,
      reportedUncorrectable: Count,
      mediaErrors: Count,
    }),
  ),
  /** When a count last grew (wall ms), and in words. */
  lastGrowth: v.nullable(v.object({ at: v.number(), detail: v.string() })),
  alerted: v.object({ failing: v.boolean(), growing: v.boolean() }),
});
export type DriveHealthFile = v.InferOutput<typeof DriveHealthFile>;

export const emptyDriveHealthFile = (): DriveHealthFile => ({
  health: null,
  baseline: null,
  lastGrowth: null,
  alerted: { failing: false, growing: false },
});

/** Words for the helper's refusals of drive-health. */
const REFUSAL_WORDS: Record<string, string> = {
  'smartctl-missing': 'smartctl is not installed on the Pi (the smartmontools package).',
  'no-disk': 'The disk behind the drive could not be found.',
  timeout: 'smartctl did not answer in time.',
};

export interface DriveHealthWatchOptions {
  config: Pick<Config['recovery'], 'healthEveryHours'>;
  state: StateFile<DriveHealthFile>;
  callHelper: CallHelper;
  clock: Clock;
  alerts: RecoveryAlertsPort;
  log: Logger;
}

/** DriveHealthWatch reads SMART when due; tick it each monitor sample. */
export class DriveHealthWatch {
  private wasUp = false;
  /** An unlock brought Immich back since the last read: read at the next tick, even unseen locked. */
  private unlocked = false;
  private lastReadMono = Number.NEGATIVE_INFINITY;
  /** null until this process first judged: then a raised alert may have been pushed already. */
  private failingRaised: boolean | null = null;
  private growingRaised: boolean | null = null;

  constructor(private readonly options: DriveHealthWatchOptions) {}

  async tick(drive: DriveState): Promise<void> {
    const { clock, config } = this.options;
    const up = drive === 'running' || drive === 'degraded';
    const due = clock.monotonic() - this.lastReadMono >= config.healthEveryHours * HOUR_MS;
    if (up && (!this.wasUp || due || this.unlocked)) await this.read();
    this.wasUp = up;
    this.judge();
  }

  /** afterUnlock asks for a read at the next tick (a lock and unlock between two samples too). */
  afterUnlock(): void {
    this.unlocked = true;
  }

  current(): DriveHealth | null {
    return this.options.state.value.health;
  }

  private async read(): Promise<void> {
    const { clock, state, log } = this.options;
    this.lastReadMono = clock.monotonic();
    this.unlocked = false;
    const now = clock.wall();
    let health: DriveHealth;
    try {
      const answer = await this.options.callHelper({ verb: 'drive-health' });
      health =
        answer.ok && 'smart' in answer
          ? driveHealthFromSmart(answer.smart, now)
          : emptyHealth(
              now,
              answer.ok
                ? 'The helper answered no reading.'
                : (REFUSAL_WORDS[answer.code] ?? answer.message),
            );
    } catch (error) {
      log.error('cannot read the drive health', error);
      health = emptyHealth(now, 'The helper could not be asked.');
    }
    const counted = health.state !== 'unknown' && health.state !== 'unsupported';
    await state
      .update((latest) => {
        if (!counted) return { ...latest, health };
        const counts = badSectorCounts(health);
        const grown = latest.baseline ? grownCounts(latest.baseline, counts) : [];
        return {
          ...latest,
          health,
          baseline: nextBaseline(latest.baseline, counts),
          lastGrowth:
            grown.length > 0 ? { at: now, detail: growthDetail(grown) } : latest.lastGrowth,
        };
      })
      .catch((error: unknown) => log.error('cannot write drive-health.json', error));
  }

  /** judge raises or clears both alerts from the state file; an unknown reading changes nothing. */
  private judge(): void {
    const { state, clock } = this.options;
    const { health, lastGrowth, alerted } = state.value;
    if (health && health.state !== 'unknown') {
      const failing = health.state === 'failing';
      if (failing !== this.failingRaised) {
        const quiet = this.failingRaised === null && failing && alerted.failing;
        this.failingRaised = failing;
        this.options.alerts.condition(
          'drive-health-failing',
          failing,
          {},
          { alreadyNotified: quiet },
        );
        this.saveAlerted({ failing });
      }
    }
    if (!clock.synced()) return;
    const growing = lastGrowth !== null && clock.wall() - lastGrowth.at < GROWTH_CLEARS_AFTER_MS;
    if (growing === this.growingRaised) return;
    const quiet = this.growingRaised === null && growing && alerted.growing;
    this.growingRaised = growing;
    this.options.alerts.condition(
      'drive-sectors-growing',
      growing,
      growing && lastGrowth ? { detail: lastGrowth.detail } : {},
      { alreadyNotified: quiet },
    );
    this.saveAlerted({ growing });
  }

  private saveAlerted(change: Partial<DriveHealthFile['alerted']>): void {
    const { state, log } = this.options;
    const { alerted } = state.value;
    if (Object.entries(change).every(([k, value]) => alerted[k as keyof typeof alerted] === value))
      return;
    void state
      .update((latest) => ({ ...latest, alerted: { ...latest.alerted, ...change } }))
      .catch((error: unknown) => log.error('cannot write drive-health.json', error));
  }
}
