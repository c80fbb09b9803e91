// The only place real adapters are wired: state files, OS readers, clock, HTTP and admin sockets.
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent as HttpsAgent } from 'node:https';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { version } from '../../package.json';
import { fingerprintFor } from '../../shared/protocol/index.ts';
import type { Warning } from '../../shared/status.ts';
import { listenAdminSocket } from './adapters/admin-socket.ts';
import { systemClock } from './adapters/clock.ts';
import { readDumpDir } from './adapters/dump-dir.ts';
import { readText, statFs } from './adapters/files.ts';
import { createHelperClient } from './adapters/helper-client.ts';
import { closeServer, listenHttp } from './adapters/http-server.ts';
import { IdentityState, loadIdentity, newIdentity } from './adapters/identity.ts';
import { createImmichPing } from './adapters/immich.ts';
import { createImmichJobsClient } from './adapters/immich-jobs.ts';
import { readImmichKey } from './adapters/immich-key.ts';
import { sha256 } from './adapters/node-crypto.ts';
import { sendPush } from './adapters/push/send.ts';
import { runCommand } from './adapters/run-command.ts';
import { listNames, listSpool, readSpoolFile } from './adapters/spool.ts';
import { openStateFile, type RecoveryReport } from './adapters/state-store/index.ts';
import { createSystemReader } from './adapters/system.ts';
import { createNextRunReader } from './adapters/systemd-timer.ts';
import { createUnitStateReader } from './adapters/units.ts';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import { AlertMemory, emptyAlertMemory } from './domain/alerts/engine.ts';
import { hostPaths } from './paths.ts';
import type { Logger } from './ports.ts';
import { adminCommands } from './services/admin.ts';
import { emptyPushState, PushState } from './services/alerts/push-store.ts';
import { emptyTemperatureFile, TemperatureFile } from './services/alerts/temperature-history.ts';
import { AuditState, emptyAudit } from './services/audit.ts';
import { BackupsState, emptyBackups } from './services/backups/history.ts';
import { DevicesState, emptyDevices } from './services/devices.ts';
import type { DriveControlEvent } from './services/drive-control/index.ts';
import { emptyGuardFile, GuardFile } from './services/immich-guard.ts';
import { DrillsState, emptyDrills } from './services/recovery/drills-state.ts';
import { DriveHealthFile, emptyDriveHealthFile } from './services/recovery/drive-health.ts';
import { DumpWatchFile, emptyDumpWatchFile } from './services/recovery/dump-watch.ts';
import { buildServices, type Services } from './wiring.ts';

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

/** createDeps opens the state files and wires the real adapters into the services. */
export async function createDeps(config: Config, log: Logger = stderrLogger): Promise<Services> {
  const paths = hostPaths(config.root, config.drive);
  const clock = systemClock(paths.timesyncSynchronized);
  const startedAtMono = clock.monotonic();

  const warnings: Warning[] = [];
  const recoveries: RecoveryReport[] = [];
  const onRecovered = (report: RecoveryReport) => {
    recoveries.push(report);
    const message = `${report.file} was corrupt: ${recoveryWords(report).done} (${report.reason}); the bad copy is kept as ${report.quarantined.join(', ')}`;
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
  const [
    identityFile,
    devices,
    audit,
    alerts,
    push,
    backups,
    guard,
    drills,
    driveHealth,
    dumpWatch,
    temperature,
  ] = await Promise.all([
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
    open('guard.json', GuardFile, emptyGuardFile),
    open('drills.json', DrillsState, emptyDrills),
    open('drive-health.json', DriveHealthFile, emptyDriveHealthFile),
    open('dump-watch.json', DumpWatchFile, emptyDumpWatchFile),
    open('temperature.json', TemperatureFile, emptyTemperatureFile),
  ]);
  if (identityIsNew) await identityFile.update((made) => made);
  // The VAPID keys are made once: every subscription is bound to them.
  if (pushIsNew) await push.update((made) => made);
  const identity = await loadIdentity(identityFile, (reason) => {
    warnings.push({
      code: 'identity-replaced',
      message: `${reason}: every phone must pair again`,
      at: clock.wall(),
    });
    log.error(reason);
  });
  const { subject } = config.push;
  if (subject === undefined) {
    warnings.push({
      code: 'push-off',
      message: 'Notifications are off: set push.subject (a mailto: or https: address of yours).',
      at: clock.wall(),
    });
  }
  const httpsAgent = config.push.caFile
    ? new HttpsAgent({ ca: [...rootCertificates, readFileSync(config.push.caFile, 'utf8')] })
    : undefined;
  const syncDeadline = clock.monotonic() + config.push.clockSyncWaitSeconds * 1000;
  const { spoolDir } = config.backup;
  const readUnitStates = createUnitStateReader({ systemctl: config.systemctl, runCommand, log });

  const services = buildServices(config, {
    version,
    clock,
    startedAtMono,
    systemMonotonicMs: () => Number(process.hrtime.bigint() / 1_000_000n),
    randomBytes: (n) => new Uint8Array(nodeRandomBytes(n)),
    bootId: ((await readText(paths.bootId).catch(() => null)) ?? '').trim(),
    identity: {
      publicKey: identity.publicKey,
      fingerprint: await fingerprintFor(identity.publicKey, sha256),
      sign: identity.sign,
    },
    state: {
      devices,
      audit,
      alerts,
      push,
      backups,
      guard,
      drills,
      driveHealth,
      dumpWatch,
      temperature,
    },
    readDumpDir,
    system: createSystemReader({ paths, readText, statFs }),
    readUnitStates,
    callHelper: createHelperClient(config.helper, { log: (line) => log.error(line) }),
    pingImmich: createImmichPing({ immichUrl: config.immichUrl }),
    immichJobs: createImmichJobsClient({ baseUrl: config.immichUrl }),
    // The key file lies on the drive; the root prefix moves both in the sandbox.
    readImmichKey: () =>
      readImmichKey(join(config.root, config.immich.apiKeyFile), paths.driveMountPath),
    readNextRun: createNextRunReader({
      systemctl: config.systemctl,
      timer: config.backup.timer,
      runCommand,
    }),
    spool: { list: () => listSpool(spoolDir), read: (name) => readSpoolFile(join(spoolDir, name)) },
    drillSpool: {
      list: () => listNames(config.recovery.spoolDir),
      read: (name) => readSpoolFile(join(config.recovery.spoolDir, name)),
    },
    readDrillNextRun: createNextRunReader({
      systemctl: config.systemctl,
      timer: config.recovery.verifyTimer,
      runCommand,
    }),
    sendPush: (target, payload, options) =>
      sendPush(target, payload, {
        subject: subject ?? '',
        ttlSeconds: config.push.ttlSeconds,
        agent: httpsAgent,
        ...options,
      }),
    // The Pi has no RTC: a VAPID token made before NTP may be refused (ARCHITECTURE §10).
    pushReady: () => waitUntil(() => clock.synced() || clock.monotonic() >= syncDeadline),
    warnings: () => warnings,
    log,
  });
  services.driveControl.listen((event) => log.info(describeEvent(event)));
  for (const report of recoveries) {
    void services.audit.record(
      'state-recovered',
      `${report.file} was corrupt and was ${recoveryWords(report).audit}.`,
    );
  }
  void services.audit.record('agent-started', `The agent started (version ${version}).`);
  return services;
}

/** recoveryWords says what was done with a corrupt state file, in the journal and the audit. */
function recoveryWords(report: RecoveryReport): { done: string; audit: string } {
  return report.outcome === 'recovered-from-previous'
    ? { done: 'restored its previous copy', audit: 'restored from its previous copy' }
    : { done: 'started empty', audit: 'reset' };
}

/** describeEvent is the journal line of an unlock event: codes and counts, never input. */
function describeEvent(event: DriveControlEvent): string {
  if (event.type === 'lock-started') return `lock ${event.operationId} started`;
  if (event.type === 'immich-back') return `unlock ${event.operationId} succeeded: Immich answers`;
  const tries = event.triesLeft === null ? '' : `, ${event.triesLeft} tries left`;
  if (event.operationId === null) return `passphrase check failed: ${event.code}${tries}`;
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
      await Promise.all([http.close(), closeServer(admin), deps.temperatureHistory.save()]);
    },
  };
}

/** waitUntil resolves once check() is true, looking every second. */
async function waitUntil(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 1000).unref());
}
