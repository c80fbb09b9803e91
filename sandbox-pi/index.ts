// The sandbox Pi (ARCHITECTURE §9): a directory the real adapters read as if it were a Pi's root.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type Config, parseConfig } from '../agent/src/config.ts';
import { mountUnitFor } from '../agent/src/domain/mount-unit.ts';
import { type HostPaths, hostPaths } from '../agent/src/paths.ts';
import { BACKUP_DIRS, type BackupControls, backupControls, stopBackupRun } from './backup-unit.ts';
import { type DrillControls, drillControls } from './drill-unit.ts';
import { writeHelperConfig } from './helper-config.ts';
import {
  driveMountLine,
  HostFiles,
  MAPPER_NAME,
  MOUNT_POINT,
  makeAdminSocketDir,
  ROOT_MOUNT,
  SLAVE,
} from './host-files.ts';
import {
  freeLoopbackPort,
  IMMICH_UNIT,
  layImmichKey,
  layStubImmichApi,
  readStubImmichRequests,
  type StubImmichApi,
  type StubImmichRequest,
  setStubImmichApi,
  stopImmichStub,
} from './immich-stub.ts';
import { layLibrary } from './library.ts';
import { DEMO_PASSPHRASE, findCryptsetup, isLuksImage, makeDriveImage } from './luks.ts';
import { type SmartControls, smartControls } from './smart.ts';
import { repoRoot, unitFileName, writeStubs } from './stubs.ts';

export type { BackupOutcome, SnapshotShape } from './backup-unit.ts';
export type { RestoreOutcome } from './drill-unit.ts';
export { DEMO_PASSPHRASE } from './luks.ts';
export type { SmartOutcome } from './smart.ts';

export interface SandboxPiOptions {
  /** Where to make it; a fresh temp dir under os.tmpdir() when absent. */
  dir?: string;
  port?: number;
  pwaDir?: string;
  /** Reopen an existing sandbox, keeping its drive image, agent state and host files. */
  reuse?: boolean;
  sampleIntervalSeconds?: number;
  /** Act as if cryptsetup were not installed (a placeholder image), to test the simulated check. */
  withoutCryptsetup?: boolean;
  /**
   * The built agent, the repo's dist/agent/immich-pi-agent.mjs by default; the helper and
   * report-backup programs are taken from beside it.
   */
  agentBin?: string;
  /** Step time limits written to agent.json and helper.json (both use their defaults otherwise). */
  timeouts?: Partial<Config['timeouts']>;
  /** Push settings over the sandbox's (a mailto: subject, no extra origins). */
  push?: Partial<Config['push']>;
  /** Alert thresholds over the defaults. */
  alerts?: Partial<Config['alerts']>;
  /** Backup settings over the sandbox's (its spool, stub rustic and stub journalctl). */
  backup?: Partial<Config['backup']>;
  /** Thermal guard settings over the sandbox's (holds of 10 s to pause, 30 s to resume). */
  guard?: Partial<Config['guard']>;
}

/** SandboxPi is the handle; its backup, drill and SMART members are in their own modules. */
export interface SandboxPi extends BackupControls, DrillControls, SmartControls {
  dir: string;
  /** The fake host root the agent's `root` config points at. */
  root: string;
  configPath: string;
  config: Config;
  /** Host paths under root, as the agent computes them. */
  paths: HostPaths;
  /** The drive's LUKS UUID (also its /dev/disk/by-uuid name). */
  uuid: string;
  /** False when the image is a placeholder because cryptsetup is not installed. */
  cryptsetupAvailable: boolean;
  /** Absolute path of the real cryptsetup, null when not installed. */
  cryptsetupPath: string | null;
  /** The helper's config (stubs, device, units, its own state dir), next to agent.json. */
  helperConfigPath: string;
  /** The built agent. */
  agentBin: string;
  /** The built root helper program agent.json's helper.command runs (beside agentBin). */
  helperBin: string;
  /** The drive image the by-UUID link points at; delete it to make the drive go missing. */
  imagePath: string;
  /** Loopback port of the stub Immich (agent.json's immichUrl) while immich-server is started. */
  immichPort: number;
  immichUrl: string;
  /** The Immich API key in the sandbox drive's key file, the one the stub Immich accepts. */
  immichApiKey: string;
  /** setImmichApi chooses the stub Immich's API style and version (immich-api.json). */
  setImmichApi(api: StubImmichApi): Promise<void>;
  /** readImmichRequests answers the pause and resume requests the stub Immich saw. */
  readImmichRequests(): Promise<StubImmichRequest[]>;
  setTemperature(celsius: number): Promise<void>;
  setUndervoltage(on: boolean): Promise<void>;
  /** setThrottled writes the firmware's throttle flags (get_throttled), e.g. 0x4: throttled now. */
  setThrottled(flags: number): Promise<void>;
  setBootId(id?: string): Promise<void>;
  unplugDrive(): Promise<void>;
  plugDrive(): Promise<void>;
  setMounted(on: boolean, options?: { readOnly?: boolean }): Promise<void>;
  setMapperOpen(on: boolean): Promise<void>;
  setUnitState(unit: string, state: string): Promise<void>;
  /**
   * failUnit makes the next `systemctl start` of unit fail (or succeed again when off);
   * logLines become its journal (units/<unit>.log), what `journalctl -u` prints.
   */
  failUnit(unit: string, on: boolean, logLines?: string[]): Promise<void>;
  /** slowUnit makes `systemctl start` of unit take this many seconds (null: at once again). */
  slowUnit(unit: string, seconds: number | null): Promise<void>;
  /** slowCryptsetup makes `cryptsetup open` take this many seconds more (null: no more). */
  slowCryptsetup(seconds: number | null): Promise<void>;
  /** setMemAvailable writes MemAvailable (KiB) into the sandbox's /proc/meminfo. */
  setMemAvailable(kib: number): Promise<void>;
  /** stopImmichStub ends the stub Immich and leaves the unit's state as it is (a crash). */
  stopImmichStub(): Promise<void>;
  /**
   * reboot makes the sandbox look freshly booted, as after a power cut: the mapping closed, the
   * drive unmounted, every unit inactive and uncapped (a stub backup run killed unreported), the
   * backup timer waiting, the stub Immich gone and a new boot id.
   */
  reboot(): Promise<void>;
  /** readCommandLog answers every stub call so far, each as its argv (program name first). */
  readCommandLog(): Promise<string[][]>;
  /**
   * stopProcesses ends what the stubs leave running (they run detached): the stub Immich and a
   * stub backup run. The unit states stay as they are.
   */
  stopProcesses(): Promise<void>;
  /** remove stops the stub Immich and any stub backup run, and deletes the whole sandbox directory. */
  remove(): Promise<void>;
}

/** The services of agent.json and helper.json, in start order. */
const UNITS = ['postgresql.service', IMMICH_UNIT, 'immich-machine-learning.service'];

/** The VAPID subject of the sandbox's agent. */
export const SANDBOX_PUSH_SUBJECT = 'mailto:owner@example.com';

/** Linux refuses unix socket paths of 108 bytes or more; keep a margin. */
const MAX_SOCKET_PATH_BYTES = 100;

/** createSandboxPi makes a sandbox Pi (or reopens one with `reuse`) and returns its handle. */
export async function createSandboxPi(options: SandboxPiOptions = {}): Promise<SandboxPi> {
  const dir = options.dir ? resolve(options.dir) : await mkdtemp(join(tmpdir(), 'ipi-'));
  const isSandbox = existsSync(join(dir, 'agent.json')) && existsSync(join(dir, 'root'));
  const reusing = options.reuse === true && isSandbox;
  if (!reusing && existsSync(dir) && readdirSync(dir).length > 0) {
    if (!isSandbox)
      throw new Error(`${dir} is not empty and is not a sandbox Pi; refusing to replace it`);
    await stopSandboxProcesses(dir);
    await rm(dir, { recursive: true, force: true });
  }

  const configPath = join(dir, 'agent.json');
  const previous = reusing ? await readPrevious(configPath) : null;
  const uuid = previous?.uuid ?? randomUUID();
  // A reused sandbox keeps its port, so a stub Immich still running from last time still answers.
  const immichPort = previous?.immichPort ?? (await freeLoopbackPort());
  const immichUrl = `http://127.0.0.1:${immichPort}`;
  const agentBin = resolve(options.agentBin ?? join(repoRoot(), 'dist/agent/immich-pi-agent.mjs'));
  const helperBin = join(dirname(agentBin), 'immich-pi-helper.mjs');
  const reportBackupBin = join(dirname(agentBin), 'immich-pi-report-backup.mjs');
  const helperConfigPath = join(dir, 'helper.json');
  const bin = join(dir, 'bin');
  const adminSocket = join(dir, 'run/immich-pi-agent/admin.sock');
  if (Buffer.byteLength(adminSocket) >= MAX_SOCKET_PATH_BYTES) {
    throw new Error(
      `sandbox path too long for a unix socket (${adminSocket}); choose a shorter directory`,
    );
  }

  const port = options.port ?? 8480;
  const raw = {
    name: 'sandbox-pi',
    listen: { host: '127.0.0.1', port },
    // A name, not an IP: WebAuthn (quick unlock, §15) needs a domain, and localhost is a secure
    // context. The agent answers loopback names on its own port either way.
    publicUrl: `http://localhost:${port}/`,
    adminSocket,
    stateDir: join(dir, 'state'),
    ...(options.pwaDir ? { pwaDir: resolve(options.pwaDir) } : {}),
    root: join(dir, 'root'),
    drive: { uuid, mapperName: MAPPER_NAME, mountPoint: MOUNT_POINT },
    sampleIntervalSeconds: options.sampleIntervalSeconds ?? 2,
    helper: { command: [process.execPath, helperBin, '--config', helperConfigPath] },
    units: UNITS,
    immichUrl,
    systemctl: join(bin, 'systemctl'),
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
    // A subject push services accept; the sandbox's pushes go where a test or a browser says.
    push: { subject: SANDBOX_PUSH_SUBJECT, ...options.push },
    ...(options.alerts ? { alerts: options.alerts } : {}),
    // Holds short enough to watch the guard act in the demo; the Pi's are 60 s and 300 s.
    guard: { pauseHoldSeconds: 10, resumeHoldSeconds: 30, ...options.guard },
    backup: {
      spoolDir: join(dir, 'spool'),
      rustic: join(bin, 'rustic'),
      journalctl: join(bin, 'journalctl'),
      ...options.backup,
    },
    // The drive's dumpsDir stays the Pi's path (read under root); the spool and lock are ours.
    recovery: { spoolDir: join(dir, 'drills'), lockFile: join(dir, 'run/backup.lock') },
  };
  const config = parseConfig(raw);

  for (const sub of ['state', 'units', 'log', 'smart', ...BACKUP_DIRS]) {
    await mkdir(join(dir, sub), { recursive: true });
  }
  await makeAdminSocketDir(join(dir, 'run/immich-pi-agent'));
  await writeFile(configPath, `${JSON.stringify(raw, null, 2)}\n`);

  const image = join(dir, 'drive.img');
  const cryptsetupPath = options.withoutCryptsetup ? null : findCryptsetup();
  // A placeholder left from a run without cryptsetup becomes a real image once it is installed.
  if (!reusing || !existsSync(image) || (cryptsetupPath !== null && !isLuksImage(image))) {
    await makeDriveImage(image, uuid, cryptsetupPath);
  }
  const cryptsetupAvailable = cryptsetupPath !== null && isLuksImage(image);
  const host = new HostFiles(join(dir, 'root'), image, uuid);
  await host.lay(!reusing);
  if (!reusing) await layLibrary(join(host.root, MOUNT_POINT, 'immich_data'));
  // The agent reads its key where its config says, under the root prefix as every host path.
  const immichKeyFile = join(host.root, config.immich.apiKeyFile);
  const immichApiKey = await layImmichKey(immichKeyFile, !reusing);
  await layStubImmichApi(dir, !reusing);
  const paths = hostPaths(host.root, config.drive);
  await writeStubs(dir, {
    root: host.root,
    realCryptsetup: cryptsetupAvailable ? cryptsetupPath : null,
    demoPassphraseSha256: createHash('sha256').update(DEMO_PASSPHRASE).digest('hex'),
    mapperName: MAPPER_NAME,
    slave: SLAVE,
    mountUnit: mountUnitFor(MOUNT_POINT),
    mountinfo: { base: ROOT_MOUNT, drive: driveMountLine() },
    immich: { unit: IMMICH_UNIT, port: immichPort, keyFile: immichKeyFile },
    backup: {
      unit: config.backupUnit,
      timer: config.backup.timer,
      mountPoint: MOUNT_POINT,
      reportBackupBin,
      agentConfig: configPath,
    },
    drill: {
      unit: config.recovery.verifyUnit,
      verifyBin: join(dirname(agentBin), 'immich-pi-verify-backup.mjs'),
      agentConfig: configPath,
    },
  });
  await writeHelperConfig(helperConfigPath, {
    dir,
    paths,
    units: UNITS,
    capUnits: config.guard.capUnits,
    timeouts: options.timeouts,
    recovery: config.recovery,
  });

  const unitFile = (unit: string, kind: 'state' | 'fail' | 'slow' | 'log' | 'cpu-quota') =>
    join(dir, 'units', `${unitFileName(unit)}.${kind}`);
  // The timer is enabled on the Pi: it waits from boot on, whether the drive is unlocked or not.
  const timerWaits = () => writeFile(unitFile(config.backup.timer, 'state'), 'active\n');
  await timerWaits();
  /** writeOrRemove writes text to file, or removes the file when text is null. */
  const writeOrRemove = (file: string, text: string | null) =>
    text === null ? rm(file, { force: true }) : writeFile(file, text);
  return {
    dir,
    root: host.root,
    configPath,
    config,
    paths,
    uuid,
    cryptsetupAvailable,
    cryptsetupPath,
    helperConfigPath,
    agentBin,
    helperBin,
    imagePath: image,
    immichPort,
    immichUrl,
    immichApiKey,
    setImmichApi: (api) => setStubImmichApi(dir, api),
    readImmichRequests: () => readStubImmichRequests(dir),
    ...backupControls(dir, config),
    ...drillControls(dir, config),
    ...smartControls(dir),
    setTemperature: (celsius) => host.setTemperature(celsius),
    setUndervoltage: (on) => host.setUndervoltage(on),
    setThrottled: (flags) => host.setThrottled(flags),
    setBootId: (id) => host.setBootId(id),
    unplugDrive: () => host.unplugDrive(),
    plugDrive: () => host.plugDrive(),
    setMounted: (on, mountOptions) => host.setMounted(on, mountOptions),
    setMapperOpen: (on) => host.setMapperOpen(on),
    setUnitState: (unit, state) => writeFile(unitFile(unit, 'state'), `${state}\n`),
    failUnit: async (unit, on, logLines) => {
      await writeOrRemove(unitFile(unit, 'fail'), on ? '' : null);
      if (logLines) await writeFile(unitFile(unit, 'log'), logLines.map((l) => `${l}\n`).join(''));
    },
    slowUnit: (unit, seconds) => writeOrRemove(unitFile(unit, 'slow'), secondsText(seconds)),
    slowCryptsetup: (seconds) => writeOrRemove(join(dir, 'cryptsetup.slow'), secondsText(seconds)),
    setMemAvailable: (kib) => host.setMemAvailable(kib),
    stopImmichStub: () => stopImmichStub(dir),
    reboot: async () => {
      await stopSandboxProcesses(dir);
      await host.setMounted(false);
      await host.setMapperOpen(false);
      for (const unit of [mountUnitFor(MOUNT_POINT), ...UNITS, config.backupUnit]) {
        await writeFile(unitFile(unit, 'state'), 'inactive\n');
        await rm(unitFile(unit, 'cpu-quota'), { force: true }); // set with --runtime: gone at boot
      }
      await timerWaits();
      await host.setBootId();
    },
    readCommandLog: () => readCommandLog(join(dir, 'log/commands.log')),
    stopProcesses: () => stopSandboxProcesses(dir),
    remove: async () => {
      await stopSandboxProcesses(dir);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** stopSandboxProcesses ends what the stubs leave running: the stub Immich, a stub backup run. */
async function stopSandboxProcesses(dir: string): Promise<void> {
  await stopImmichStub(dir);
  await stopBackupRun(dir);
}

const secondsText = (seconds: number | null) => (seconds === null ? null : `${seconds}\n`);

/** readPrevious reads what a reused sandbox keeps from its agent.json: the drive and Immich's port. */
async function readPrevious(configPath: string): Promise<{ uuid: string; immichPort?: number }> {
  let raw: { drive?: { uuid?: unknown }; immichUrl?: unknown } = {};
  try {
    raw = JSON.parse(await readFile(configPath, 'utf8'));
  } catch {}
  const uuid = raw?.drive?.uuid;
  if (typeof uuid !== 'string' || uuid.length === 0) {
    throw new Error(
      `${configPath} names no drive uuid; recreate the sandbox (npm start -- --fresh)`,
    );
  }
  const port = typeof raw.immichUrl === 'string' ? Number(new URL(raw.immichUrl).port) : Number.NaN;
  return Number.isInteger(port) && port > 0 ? { uuid, immichPort: port } : { uuid };
}

async function readCommandLog(path: string): Promise<string[][]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as string[]);
}
