// The one wiring of the agent's services: main.ts passes the real adapters, the app's test
// fixtures pass the FakePi and memory files, and both get the same graph. A new service is one
// edit here.
import { toBase64url } from '../../shared/protocol/index.ts';
import type { Warning } from '../../shared/status.ts';
import type { ReadDumpDir } from './adapters/dump-dir.ts';
import type { CallHelper } from './adapters/helper-client.ts';
import type { PingImmich } from './adapters/immich.ts';
import type { ImmichJobsClient } from './adapters/immich-jobs.ts';
import type { ImmichKey } from './adapters/immich-key.ts';
import { hmacSha256 } from './adapters/node-crypto.ts';
import { PushQueue, type QueuedSendOptions } from './adapters/push/queue.ts';
import type { PushTarget, SendOutcome } from './adapters/push/send.ts';
import type { VapidKeys } from './adapters/push/vapid.ts';
import type { StateFile } from './adapters/state-store/index.ts';
import type { SystemReader } from './adapters/system.ts';
import type { ReadUnitStates } from './adapters/units.ts';
import type { Deps } from './app.ts';
import type { Config } from './config.ts';
import { DeliveryPlanner } from './domain/alerts/delivery.ts';
import { AlertEngine, type AlertMemory } from './domain/alerts/engine.ts';
import { mountUnitFor } from './domain/mount-unit.ts';
import { PairingCodes } from './domain/pairing-codes.ts';
import { ReplayGuard } from './domain/replay-guard.ts';
import { createUnlockKey } from './domain/unlock-key.ts';
import type { Clock, Logger, RandomBytes } from './ports.ts';
import { AlertService } from './services/alerts/alert-service.ts';
import { type PushState, PushStore } from './services/alerts/push-store.ts';
import { type TemperatureFile, TemperatureHistory } from './services/alerts/temperature-history.ts';
import { AuditLog, type AuditState } from './services/audit.ts';
import { BackupService, type BackupSpool } from './services/backups/backup-service.ts';
import type { BackupsState } from './services/backups/history.ts';
import { DeviceRegistry, type DevicesState } from './services/devices.ts';
import { createDriveControl } from './services/drive-control/index.ts';
import { type GuardFile, ImmichGuardService } from './services/immich-guard.ts';
import { type Monitor, startMonitor } from './services/monitor.ts';
import { DrillService, type DrillSpool } from './services/recovery/drill-service.ts';
import type { DrillsState } from './services/recovery/drills-state.ts';
import { type DriveHealthFile, DriveHealthWatch } from './services/recovery/drive-health.ts';
import { DumpWatch, type DumpWatchFile } from './services/recovery/dump-watch.ts';
import { RecoveryService } from './services/recovery/recovery-service.ts';
import { cacheSystem, createStatusSource } from './services/status.ts';

/** ServicePorts is everything the services touch outside themselves. */
export interface ServicePorts {
  version: string;
  clock: Clock;
  /** Monotonic time at which this process started. */
  startedAtMono: number;
  /** CLOCK_MONOTONIC in ms: comparable with the monoMs report-backup records. */
  systemMonotonicMs(): number;
  randomBytes: RandomBytes;
  /** This boot's id (it cannot change under a running process); '' if unknown. */
  bootId: string;
  identity: { publicKey: Uint8Array; fingerprint: string; sign(bytes: Uint8Array): Uint8Array };
  state: {
    devices: StateFile<DevicesState>;
    audit: StateFile<AuditState>;
    alerts: StateFile<AlertMemory>;
    push: StateFile<PushState>;
    backups: StateFile<BackupsState>;
    guard: StateFile<GuardFile>;
    drills: StateFile<DrillsState>;
    driveHealth: StateFile<DriveHealthFile>;
    dumpWatch: StateFile<DumpWatchFile>;
    temperature: StateFile<TemperatureFile>;
  };
  /** Reads the host once (temperature, drive, disks). */
  system: SystemReader;
  readUnitStates: ReadUnitStates;
  /** The root helper; `warm` readies a helper process for an unlock about to come. */
  callHelper: CallHelper & { warm?: () => void };
  pingImmich: PingImmich;
  /** Immich's API: its version, its queues, pause and resume (ARCHITECTURE §16). */
  immichJobs: ImmichJobsClient;
  /** Reads the Immich API key file on the drive. */
  readImmichKey(): Promise<ImmichKey>;
  /** The backup timer's next run, wall ms; null when not scheduled. */
  readNextRun(): Promise<number | null>;
  spool: BackupSpool;
  /** The verify unit's spool of drill records (recovery.spoolDir). */
  drillSpool: DrillSpool;
  /** Lists the drive's database dumps (the helper's list-dumps when the agent may not). */
  readDumpDir: ReadDumpDir;
  /** The verify timer's next run, wall ms; null when not scheduled. */
  readDrillNextRun(): Promise<number | null>;
  /** Sends one push signed with the agent's VAPID keys. */
  sendPush(
    target: PushTarget,
    payload: string,
    options: QueuedSendOptions & { vapid: VapidKeys },
  ): Promise<SendOutcome>;
  /** Resolves when pushes may go (the wall clock is synced, or a bounded wait passed). */
  pushReady(): Promise<void>;
  /** Warnings status shows besides the drive's (state recovered, push off...). */
  warnings(): Warning[];
  log: Logger;
  /** Test knobs: how drive control waits, and the retries of a failed push. */
  tuning?: {
    sleep?: (ms: number) => Promise<void>;
    helperGraceMs?: number;
    pushBackoffMs?: readonly number[];
    timerRefreshDelayMs?: number;
  };
}

/** Services is the app's Deps with the services at full width, and the monitor to start. */
export type Services = ReturnType<typeof buildServices>;

/** buildServices wires the services on the ports, and how they react to one another. */
export function buildServices(config: Config, ports: ServicePorts) {
  const { clock, log, randomBytes, bootId, state, tuning = {} } = ports;
  const devices = new DeviceRegistry(state.devices);
  const audit = new AuditLog(
    state.audit,
    clock.wall,
    (error) => log.error('cannot write the audit log', error),
    (id) => devices.nameOf(id),
  );
  const system = cacheSystem(ports.system, clock);
  const driveControl = createDriveControl({
    config: {
      units: config.units,
      backupUnit: config.backupUnit,
      verifyUnit: config.recovery.verifyUnit,
      timeouts: config.timeouts,
      mountUnit: mountUnitFor(config.drive.mountPoint),
    },
    callHelper: ports.callHelper,
    probeDrive: async () => (await system.latest(0)).sample.drive,
    invalidateProbe: () => system.invalidate(),
    readUnitStates: ports.readUnitStates,
    pingImmich: ports.pingImmich,
    clock,
    randomBytes,
    audit,
    log,
    sleep: tuning.sleep,
    helperGraceMs: tuning.helperGraceMs,
  });

  const status = createStatusSource({
    system,
    drive: driveControl,
    clock,
    warnings: ports.warnings,
  });
  const pushStore = new PushStore(state.push);
  const alerts = new AlertService({
    engine: new AlertEngine(
      config.alerts,
      state.alerts.value,
      devices.list().map((device) => device.id),
    ),
    memory: state.alerts,
    push: pushStore,
    planner: new DeliveryPlanner(),
    queue: (onOutcome) =>
      new PushQueue({
        send: (target, payload, options) =>
          ports.sendPush(target, payload, { ...options, vapid: pushStore.vapid }),
        wall: clock.wall,
        ready: ports.pushReady,
        onOutcome,
        backoffMs: tuning.pushBackoffMs,
      }),
    clock,
    publicUrl: config.publicUrl,
    extraOrigins: config.push.extraOrigins,
    pushEnabled: config.push.subject !== undefined,
    roleOf: (deviceId) => devices.roleOf(deviceId),
    log,
  });
  const readDrive = async () => {
    const now = await status.current();
    return { state: now.drive.state, operation: now.operation !== null };
  };
  const backups: BackupService = new BackupService({
    config: config.backup,
    state: state.backups,
    clock,
    spool: ports.spool,
    readNextRun: ports.readNextRun,
    callHelper: ports.callHelper,
    readUnitState: async () => (await ports.readUnitStates([config.backupUnit]))[0] ?? 'unknown',
    readDrive,
    bootId,
    systemMonotonicMs: ports.systemMonotonicMs,
    alerts,
    audit,
    log,
    timerRefreshDelayMs: tuning.timerRefreshDelayMs,
    drillRunning: (): boolean => recovery.drillRunning(),
  });
  const drills: DrillService = new DrillService({
    config: config.recovery,
    state: state.drills,
    clock,
    spool: ports.drillSpool,
    startUnit: () => ports.callHelper({ verb: 'start-drill' }),
    readDrive,
    backupRunning: (): boolean => backups.summary().running !== null,
    alerts,
    audit,
    log,
  });
  const recovery: RecoveryService = new RecoveryService({
    drills,
    dumps: new DumpWatch({
      config: config.recovery,
      root: config.root,
      readDumpDir: ports.readDumpDir,
      callHelper: ports.callHelper,
      clock,
      newestSnapshotPaths: () => state.backups.value.snapshots?.newestPaths ?? null,
      alerts,
      state: state.dumpWatch,
      log,
    }),
    health: new DriveHealthWatch({
      config: config.recovery,
      state: state.driveHealth,
      callHelper: ports.callHelper,
      clock,
      alerts,
      log,
    }),
    readNextRun: ports.readDrillNextRun,
  });
  const immich = new ImmichGuardService({
    config: { guard: config.guard, pollSeconds: config.immich.pollSeconds },
    state: state.guard,
    client: ports.immichJobs,
    readKey: ports.readImmichKey,
    callHelper: ports.callHelper,
    clock,
    alerts,
    audit,
    log,
  });
  const temperatureHistory = new TemperatureHistory({
    state: state.temperature,
    synced: clock.synced,
    log,
  });
  alerts.followDrive(driveControl);
  immich.followDrive(driveControl);
  alerts.followDevices(devices);
  backups.followDrive(driveControl);
  recovery.followDrive(driveControl);

  const { security } = config;
  const deps = {
    config,
    version: ports.version,
    clock,
    startedAtMono: ports.startedAtMono,
    agentKey: ports.identity.publicKey,
    agentKeyText: toBase64url(ports.identity.publicKey),
    fingerprint: ports.identity.fingerprint,
    devices,
    audit,
    pairing: new PairingCodes({
      monotonic: clock.monotonic,
      wall: clock.wall,
      randomBytes,
      hmac: hmacSha256,
    }),
    replay: new ReplayGuard({
      ttlMs: security.nonceTtlSeconds * 1000,
      maxEntries: security.maxNonces,
      ratePerSecond: security.ratePerSecond,
      burst: security.rateBurst,
      monotonic: clock.monotonic,
    }),
    status,
    unlockKey: createUnlockKey({ bootId, signWithIdentity: ports.identity.sign, randomBytes }),
    driveControl,
    alerts,
    backups,
    recovery,
    immich,
    temperatureHistory,
    log,
  } satisfies Deps;
  return {
    ...deps,
    pushStore,
    startMonitor: (): Monitor =>
      startMonitor({
        intervalMs: config.sampleIntervalSeconds * 1000,
        system,
        drive: driveControl,
        clock,
        history: temperatureHistory,
        alerts,
        backups,
        recovery,
        guard: immich,
        log,
      }),
  };
}
