// The status answer: one system sample shared by all requests within a second, never a spawn.
import type { StatusResponse, Warning } from '../../../shared/api.ts';
import type { SystemReader, SystemSample } from '../adapters/system.ts';
import { driveStateFromProbe } from '../domain/drive-state.ts';
import type { Clock } from '../ports.ts';

export interface StatusSource {
  /** current answers the latest status, sampling the system when the last sample is stale. */
  current(): Promise<StatusResponse>;
}

/** createStatusSource coalesces status requests onto one sample per `maxAgeMs`. */
export function createStatusSource(options: {
  reader: SystemReader;
  clock: Clock;
  warnings: () => Warning[];
  maxAgeMs?: number;
}): StatusSource {
  const { reader, clock, warnings, maxAgeMs = 1000 } = options;
  type Snapshot = { sample: SystemSample; atMono: number; atWall: number };
  let last: Snapshot | null = null;
  let inflight: Promise<Snapshot> | null = null;

  const refresh = async (): Promise<Snapshot> => {
    const sample = await reader.sample();
    last = { sample, atMono: clock.monotonic(), atWall: clock.wall() };
    return last;
  };

  return {
    async current() {
      let snapshot = last;
      if (!snapshot || clock.monotonic() - snapshot.atMono >= maxAgeMs) {
        inflight ??= refresh().finally(() => {
          inflight = null;
        });
        snapshot = await inflight;
      }
      const { sample, atWall } = snapshot;
      return {
        time: clock.wall(),
        sampledAt: atWall,
        bootId: sample.bootId,
        uptimeSeconds: sample.uptimeSeconds,
        drive: { state: driveStateFromProbe(sample.drive) },
        temperatureC: sample.temperatureC,
        undervoltage: sample.undervoltage,
        disks: sample.disks,
        warnings: warnings(),
      };
    },
  };
}
