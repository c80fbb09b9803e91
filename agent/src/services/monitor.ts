// The monitors' one sampling loop (ARCHITECTURE §10): every interval one look at the host (shared
// with status), the drive and the units, fed to the alerts and the temperature history.

import type { DriveState } from '../../../shared/status.ts';
import type { Observation } from '../domain/alerts/engine.ts';
import { type DriveProbe, driveStateFromProbe } from '../domain/drive-state.ts';
import type { Clock, Logger } from '../ports.ts';
import type { TemperatureHistory } from './alerts/temperature-history.ts';
import type { BackupObservation } from './backups/backup-service.ts';
import type { DriveReport } from './drive-control/index.ts';
import type { GuardSample } from './immich-guard.ts';
import type { RecoveryObservation } from './recovery/recovery-service.ts';
import type { CachedSystem } from './status.ts';

export interface MonitorOptions {
  intervalMs: number;
  system: CachedSystem;
  drive: { report(probe: DriveProbe): Promise<DriveReport> };
  clock: Clock;
  history: TemperatureHistory;
  alerts: { observe(observation: Observation): void; tick(): void };
  /** New backup reports, staleness and the timer, on the same beat. */
  backups: { tick(observation: BackupObservation): Promise<void> };
  /** Restore drills, the dump watch and the drive's health (ARCHITECTURE §17). */
  recovery: { tick(observation: RecoveryObservation, nowMono: number): Promise<void> };
  /** The thermal guard, on the same beat (ARCHITECTURE §16). */
  guard: { tick(sample: GuardSample): Promise<void> };
  log: Logger;
}

export interface Monitor {
  /** sampleOnce takes one sample now (the loop's own step; tests call it). */
  sampleOnce(): Promise<void>;
  stop(): void;
}

/**
 * startMonitor samples every intervalMs, one sample at a time: a slow sample delays the next one
 * instead of piling up. A failed sample is logged and the loop goes on.
 */
export function startMonitor(options: MonitorOptions): Monitor {
  const { intervalMs, system, drive, clock, history, alerts, backups, recovery, guard, log } =
    options;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  async function sampleOnce(): Promise<void> {
    // A sample at most half an interval old: status reads in between are shared, not repeated.
    const { sample } = await system.latest(intervalMs / 2);
    const report = await drive.report(sample.drive);
    const wall = clock.wall();
    history.add(wall, sample.temperatureC);
    alerts.observe({
      mono: clock.monotonic(),
      wall,
      bootId: sample.bootId,
      temperatureC: sample.temperatureC,
      undervoltage: sample.undervoltage,
      disks: sample.disks.map((disk) => ({ id: disk.id, usedPercent: disk.usedPercent })),
      drive: driveForAlerts(report, sample.drive),
      operation: report.operation?.kind ?? null,
      lastOperation: report.lastOperation,
      units: report.units,
    });
    alerts.tick();
    await backups.tick({ unitState: report.backupUnit, drive: report.state });
    await recovery.tick({ drive: report.state, verifyUnit: report.verifyUnit }, clock.monotonic());
    await guard.tick({
      temperatureC: sample.temperatureC,
      throttled: sample.throttled,
      // Degraded counts: a crashed machine-learning unit on a hot Pi still leaves work to slow.
      driveUp: report.state === 'running' || report.state === 'degraded',
    });
  }

  const loop = async () => {
    await sampleOnce().catch((error: unknown) => log.error('monitor sample failed', error));
    if (!stopped) timer = setTimeout(loop, intervalMs).unref();
  };
  timer = setTimeout(loop, 0).unref();
  return {
    sampleOnce,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

/**
 * driveForAlerts is the drive state as the alerts need it. The status keeps calling a drive whose
 * mapper or mount vanished under running services "degraded" (half up); for drive-gone that is
 * the drive being gone, so outside an operation the probe's own word wins when it is not up.
 */
export function driveForAlerts(report: DriveReport, probe: DriveProbe): DriveState {
  if (report.operation) return report.state;
  const seen = driveStateFromProbe(probe);
  if (seen === 'running') return report.state;
  // Mapped but not mounted: the mount vanished.
  return seen === 'degraded' ? 'missing' : seen;
}
