// The status answer: one system sample shared by all requests within a second, never a spawn.
import type { StatusResponse, Warning } from '../../../shared/status.ts';
import type { SystemReader, SystemSample } from '../adapters/system.ts';
import type { DriveProbe } from '../domain/drive-state.ts';
import type { Clock } from '../ports.ts';
import type { DriveReport } from './drive-control/index.ts';

/** SystemStatus is the status every device sees; the route adds the alerts, push health, backups, Immich and its web address. */
export type SystemStatus = Omit<
  StatusResponse,
  'alerts' | 'push' | 'backup' | 'access' | 'immich' | 'immichWebUrl'
>;

export interface StatusSource {
  /** current answers the latest status, sampling the system when the last sample is stale. */
  current(): Promise<SystemStatus>;
}

export interface SystemSnapshot {
  sample: SystemSample;
  /** Wall time of the sample, ms. */
  atWall: number;
}

/** CachedSystem is one sample of the host shared by status and the unlock operations. */
export interface CachedSystem {
  /**
   * latest answers a sample at most maxAgeMs old (the cache's own by default), sampling when
   * needed; callers at the same time share one sample.
   */
  latest(maxAgeMs?: number): Promise<SystemSnapshot>;
  /** invalidate makes the next latest() sample again: an operation step just changed the host. */
  invalidate(): void;
}

/** cacheSystem coalesces sample requests onto one sample per `maxAgeMs`. */
export function cacheSystem(reader: SystemReader, clock: Clock, maxAgeMs = 1000): CachedSystem {
  type Snapshot = SystemSnapshot & { atMono: number };
  let last: Snapshot | null = null;
  let inflight: Promise<Snapshot> | null = null;
  // A sample started before invalidate() may have missed the change: it is not kept.
  let generation = 0;

  const refresh = (): Promise<Snapshot> => {
    const startedIn = generation;
    const sampling: Promise<Snapshot> = reader
      .sample()
      .then((sample) => {
        const snapshot = { sample, atMono: clock.monotonic(), atWall: clock.wall() };
        if (startedIn === generation) last = snapshot;
        return snapshot;
      })
      .finally(() => {
        if (inflight === sampling) inflight = null;
      });
    inflight = sampling;
    return sampling;
  };

  return {
    async latest(maxAge = maxAgeMs) {
      if (last && clock.monotonic() - last.atMono < maxAge) return last;
      return inflight ?? refresh();
    },
    invalidate() {
      generation++;
      last = null;
      inflight = null;
    },
  };
}

/** createStatusSource answers status from the cached system sample and the drive's report. */
export function createStatusSource(options: {
  system: CachedSystem;
  drive: { report(probe: DriveProbe): Promise<DriveReport> };
  clock: Clock;
  warnings: () => Warning[];
}): StatusSource {
  const { system, drive, clock, warnings } = options;
  return {
    async current() {
      const { sample, atWall } = await system.latest();
      const report = await drive.report(sample.drive);
      return {
        time: clock.wall(),
        sampledAt: atWall,
        bootId: sample.bootId,
        uptimeSeconds: sample.uptimeSeconds,
        drive: { state: report.state, health: null },
        temperatureC: sample.temperatureC,
        undervoltage: sample.undervoltage,
        disks: sample.disks,
        warnings: warnings(),
        units: report.units,
        operation: report.operation,
        unlock: report.unlock,
      };
    },
  };
}
