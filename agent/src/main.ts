// The only place real adapters are wired: state files, OS readers, clock, HTTP and admin sockets.
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent as HttpsAgent } from 'node:https';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { version } from '../../package.json';
import { fingerprintFor, toBase64url } from '../../shared/protocol/index.ts';
import type { Warning } from '../../shared/status.ts';
import { listenAdminSocket } from './adapters/admin-socket.ts';
import { systemClock } from './adapters/clock.ts';
import { readText, statFs } from './adapters/files.ts';
import { createHelperClient } from './adapters/helper-client.ts';
import { closeServer, listenHttp } from './adapters/http-server.ts';
import { IdentityState, loadIdentity, newIdentity } from './adapters/identity.ts';
import { createImmichPing } from './adapters/immich.ts';
import { hmacSha256, sha256 } from './adapters/node-crypto.ts';
import { PushQueue } from './adapters/push/queue.ts';
import { sendPush } from './adapters/push/send.ts';
import { runCommand } from './adapters/run-command.ts';
import { listSpool, readSpoolFile } from './adapters/spool.ts';
import { openStateFile, type RecoveryReport } from './adapters/state-store/index.ts';
import { createSystemReader } from './adapters/system.ts';
import { parseTimerShow, timerShowArgv } from './adapters/systemd-timer.ts';
import { createUnitStateReader } from './adapters/units.ts';
import { createApp, type Deps } from './app.ts';
import type { Config } from './config.ts';
import { DeliveryPlanner } from './domain/alerts/delivery.ts';
import { AlertEngine, AlertMemory, emptyAlertMemory } from './domain/alerts/engine.ts';
import { mountUnitFor } from './domain/mount-unit.ts';
import { PairingCodes } from './domain/pairing-codes.ts';
import { ReplayGuard } from './domain/replay-guard.ts';
import { createUnlockKey } from './domain/unlock-key.ts';
import { ApiError } from './errors.ts';
import { hostPaths } from './paths.ts';
import type { Logger } from './ports.ts';
import { adminCommands } from './services/admin.ts';
import { AlertService } from './services/alerts/alert-service.ts';
import { emptyPushState, PushState, PushStore } from './services/alerts/push-store.ts';
import { TemperatureHistory } from './services/alerts/temperature-history.ts';
import { AuditLog, AuditState, emptyAudit } from './services/audit.ts';
import { BackupService } from './services/backups/backup-service.ts';
import { BackupsState, emptyBackups } from './services/backups/history.ts';
import { DeviceRegistry, DevicesState, emptyDevices } from './services/devices.ts';
import { createDriveControl, type DriveControlEvent } from './services/drive-control/index.ts';
import { type Monitor, startMonitor } from './services/monitor.ts';
import { cacheSystem, createStatusSource } from './services/status.ts';

export interface RunningAgent {
  url: string;
  close(): Promise<void>;
}

/** stderrLogger writes one line per event; journald adds the time on the Pi. */
export const stderrLogger: Logger = {
  info: (message) => process.stderr.write(`${message}\n`),
  error: (message, error) =>
    process.stderr.write(
      `error: ${message}${error ? `: ${(error as Error).stack ?? error}` : ''}\n`,
    ),
};

/** createDeps opens the state files and wires the real adapters into the app's Deps. */
export async function createDeps(
  config: Config,
  log: Logger = stderrLogger,
): Promise<Deps & { startMonitor(): Monitor }> {
  const paths = hostPaths(config.root, config.drive);
  const clock = systemClock(paths.timesyncSynchronized);
  const startedAtMono = clock.monotonic();
  const randomBytes = (n: number) => new Uint8Array(nodeRandomBytes(n));

  const warnings: Warning[] = [];
  const recoveries: RecoveryReport[] = [];
  const onRecovered = (report: RecoveryReport) => {
    recoveries.push(report);
    const message = `${report.file} was corrupt: ${report.outcome === 'recovered-from-previous' ? 'restored its previous copy' : 'started empty'} (${report.reason}); the bad copy is kept as ${report.quarantined.join(', ')}`;
    warnings.push({ code: 'state-recovered', message, at: clock.wall() });
    log.error(message);
  };
  const open = <T>(
    name: string,
    schema: Parameters<typeof openStateFile<T>>[0]['schema'],
    initial: () => T,
  ) =>
    openStateFile<T>({ dir: config.stateDir, name, schema, initial, onRecovered, now: clock.wall });

  let identityIsNew = false;
  let pushIsNew = false;
  const [identityFile, devicesFile, auditFile, alertsFile, pushFile, backupsFile] =
    await Promise.all([
      open('identity.json', IdentityState, () => {
        identityIsNew = true;
        return newIdentity();
      }),
      open('devices.json', DevicesState, emptyDevices),
      open('audit.json', AuditState, emptyAudit),
      open('alerts.json', AlertMemory, emptyAlertMemory),
      open('push.json', PushState, () => {
        pushIsNew = true;
        return emptyPushState();
      }),
      open('backups.json', BackupsState, emptyBackups),
    ]);
  if (identityIsNew) await identityFile.write(identityFile.value);
  // The VAPID keys are made once: every subscription is bound to them.
  if (pushIsNew) await pushFile.write(pushFile.value);
  const identity = await loadIdentity(identityFile, (reason) => {
    warnings.push({
      code: 'identity-replaced',
      message: `${reason}: every phone must pair again`,
      at: clock.wall(),
    });
    log.error(reason);
  });
  const audit = new AuditLog(auditFile, clock.wall, (error) =>
    log.error('cannot write the audit log', error),
  );
  for (const report of recoveries) {
    void audit.record(
      'state-recovered',
      `${report.file} was corrupt and was ${report.outcome === 'recovered-from-previous' ? 'restored from its previous copy' : 'reset'}.`,
    );
  }

  const readUnitStates = createUnitStateReader({ systemctl: config.systemctl, runCommand, log });
  const callHelper = createHelperClient(config.helper, { log: (line) => log.error(line) });
  const system = cacheSystem(createSystemReader({ paths, readText, statFs }), clock);
  const driveControl = createDriveControl({
    config: {
      units: config.units,
      backupUnit: config.backupUnit,
      timeouts: config.timeouts,
      mountUnit: mountUnitFor(config.drive.mountPoint),
    },
    callHelper,
    probeDrive: async () => (await system.latest(0)).sample.drive,
    invalidateProbe: () => system.invalidate(),
    readUnitStates,
    pingImmich: createImmichPing({ immichUrl: config.immichUrl }),
    clock,
    randomBytes,
    audit,
    onEvent: (event) => {
      log.info(describeEvent(event));
      if (event.type === 'lock-started') {
        alerts.lockStarted();
      } else if (event.type === 'immich-back') {
        alerts.event('immich-back', {});
        void backups
          .catchUp()
          .catch((error: unknown) => log.error('cannot start the missed backup', error));
      } else if (event.code === 'wrong-passphrase' || event.code === 'unlock-rate-limited') {
        alerts.event('unlock-failed', event.triesLeft === null ? {} : { value: event.triesLeft });
      }
    },
    log,
  });
  const bootId = ((await readText(paths.bootId).catch(() => null)) ?? '').trim();

  const pushStore = new PushStore(pushFile);
  const { subject } = config.push;
  const httpsAgent = config.push.caFile
    ? new HttpsAgent({ ca: [...rootCertificates, readFileSync(config.push.caFile, 'utf8')] })
    : undefined;
  const syncDeadline = clock.monotonic() + config.push.clockSyncWaitSeconds * 1000;
  const alerts: AlertService = new AlertService({
    engine: new AlertEngine(config.alerts, alertsFile.value),
    memory: alertsFile,
    push: pushStore,
    planner: new DeliveryPlanner(),
    queue: new PushQueue({
      send: (target, payload, options) =>
        sendPush(target, payload, {
          vapid: pushStore.vapid,
          subject: subject ?? '',
          ttlSeconds: config.push.ttlSeconds,
          agent: httpsAgent,
          ...options,
        }),
      wall: clock.wall,
      // The Pi has no RTC: a VAPID token made before NTP may be refused (ARCHITECTURE §10).
      ready: () => waitUntil(() => clock.synced() || clock.monotonic() >= syncDeadline),
      onOutcome: (deviceId, outcome, at) => {
        if (outcome.kind === 'gone') void alerts.unsubscribe(deviceId);
        else
          void pushStore
            .recordOutcome(deviceId, outcome, at)
            .catch((error: unknown) => log.error('cannot write push.json', error));
      },
    }),
    clock,
    publicUrl: config.publicUrl,
    extraOrigins: config.push.extraOrigins,
    pushEnabled: subject !== undefined,
    log,
  });
  if (subject === undefined) {
    warnings.push({
      code: 'push-off',
      message: 'Notifications are off: set push.subject (a mailto: or https: address of yours).',
      at: clock.wall(),
    });
  }
  const { spoolDir } = config.backup;
  const backups: BackupService = new BackupService({
    config: config.backup,
    state: backupsFile,
    clock,
    spool: { list: () => listSpool(spoolDir), read: (name) => readSpoolFile(join(spoolDir, name)) },
    readNextRun: async () => {
      const argv = timerShowArgv(config.systemctl, config.backup.timer);
      const { stdout } = await runCommand(argv, { timeoutMs: 5000, maxOutputBytes: 64 * 1024 });
      return parseTimerShow(stdout).nextAt;
    },
    startUnit: async () => {
      const answer = await callHelper({ verb: 'start-backup' });
      if (!answer.ok) {
        throw new ApiError(
          'helper-unavailable',
          `The backup could not be started: ${answer.message}`,
        );
      }
    },
    readUnitState: async () => (await readUnitStates([config.backupUnit]))[0] ?? 'unknown',
    bootId,
    systemMonotonicMs: () => Number(process.hrtime.bigint() / 1_000_000n),
    alerts,
    onStarted: (why, deviceId) =>
      void audit.record(
        'backup-started',
        why === 'catch-up'
          ? 'A backup started after the unlock, since the daily one was missed.'
          : 'A backup was started from the app.',
        deviceId,
      ),
    log,
  });
  const temperatureHistory = new TemperatureHistory();
  const devices = new DeviceRegistry(devicesFile);
  devices.listen({
    paired: (device) => alerts.event('device-paired', { name: device.name }),
    revoked: (device) => void alerts.unsubscribe(device.id),
  });

  const { security } = config;
  const deps = {
    config,
    version,
    clock,
    startedAtMono,
    agentKey: identity.publicKey,
    agentKeyText: toBase64url(identity.publicKey),
    fingerprint: await fingerprintFor(identity.publicKey, sha256),
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
    status: createStatusSource({ system, drive: driveControl, clock, warnings: () => warnings }),
    unlockKey: createUnlockKey({ bootId, signWithIdentity: identity.sign, randomBytes }),
    driveControl,
    alerts,
    backups,
    temperatureHistory,
    log,
  } satisfies Deps;
  void audit.record('agent-started', `The agent started (version ${version}).`);
  return {
    ...deps,
    startMonitor: () =>
      startMonitor({
        intervalMs: config.sampleIntervalSeconds * 1000,
        system,
        drive: driveControl,
        clock,
        history: temperatureHistory,
        alerts,
        backups,
        log,
      }),
  };
}

/** describeEvent is the journal line of an unlock event: codes and counts, never input. */
function describeEvent(event: DriveControlEvent): string {
  if (event.type === 'lock-started') return `lock ${event.operationId} started`;
  if (event.type === 'immich-back') return `unlock ${event.operationId} succeeded: Immich answers`;
  const tries = event.triesLeft === null ? '' : `, ${event.triesLeft} tries left`;
  return `unlock ${event.operationId} failed: ${event.code}${tries}`;
}

/** startAgent wires the agent and listens: HTTP for phones, the admin socket for the CLI. */
export async function startAgent(
  config: Config,
  log: Logger = stderrLogger,
): Promise<RunningAgent> {
  const deps = await createDeps(config, log);
  const http = await listenHttp(createApp(deps).fetch, config.listen);
  const admin = await listenAdminSocket(config.adminSocket, adminCommands(deps));
  const monitor = deps.startMonitor();
  // Wrong passphrases counted before this start are the helper's to tell (it never throws).
  void deps.driveControl.syncTries();

  return {
    url: http.url,
    close: async () => {
      monitor.stop();
      await Promise.all([http.close(), closeServer(admin)]);
    },
  };
}

/** waitUntil resolves once check() is true, looking every second. */
async function waitUntil(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 1000).unref());
}
