// The sandbox's helper.json: the real helper code against the sandbox's stubs and fake host files.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../agent/src/config.ts';
import { mountUnitFor } from '../agent/src/domain/mount-unit.ts';
import { parseHelperConfig } from '../agent/src/helper/config.ts';
import { beaconPathBytes } from '../agent/src/helper/kdf-beacon.ts';
import { kdfLockDir } from '../agent/src/helper/kdf-lock.ts';
import { MAX_SOCKET_PATH_BYTES } from '../agent/src/helper/kdf-lock-dir.ts';
import type { HostPaths } from '../agent/src/paths.ts';
import { MAPPER_NAME, MOUNT_POINT } from './host-files.ts';

export interface HelperConfigInput {
  /** The sandbox directory (bin/ holds the stubs). */
  dir: string;
  paths: HostPaths;
  units: string[];
  /** The units set-cpu-quota may cap (the agent's guard.capUnits); unset: the helper's default. */
  capUnits?: string[];
  timeouts?: Partial<Config['timeouts']>;
  /** The verify unit and the drive's dump directory (a Pi path, read under the root). */
  recovery: Pick<Config['recovery'], 'verifyUnit' | 'dumpsDir'>;
}

/**
 * writeHelperConfig writes helper.json (checked against the helper's own schema first) and makes
 * the helper's state dir 0700, as systemd's StateDirectoryMode does on the Pi: the helper refuses
 * a KDF lock in a directory others can enter. The lock lives in it, so each sandbox has its own.
 */
export async function writeHelperConfig(file: string, input: HelperConfigInput): Promise<void> {
  const { dir, paths, units, capUnits, timeouts, recovery } = input;
  const bin = join(dir, 'bin');
  const raw = {
    cryptsetup: join(bin, 'cryptsetup'),
    systemctl: join(bin, 'systemctl'),
    journalctl: join(bin, 'journalctl'),
    device: paths.driveByUuid,
    mapperName: MAPPER_NAME,
    mountUnit: mountUnitFor(MOUNT_POINT),
    units,
    backupUnit: 'immich-backup.service',
    verifyUnit: recovery.verifyUnit,
    smartctl: join(bin, 'smartctl'),
    dumpsDir: join(paths.root, recovery.dumpsDir),
    sysRoot: join(paths.root, 'sys'),
    devRoot: join(paths.root, 'dev'),
    ...(capUnits ? { capUnits } : {}),
    stateDir: join(dir, 'helper-state'),
    meminfo: paths.procMeminfo,
    uptime: paths.procUptime,
    bootId: paths.bootId,
    ...(timeouts ? { timeouts: helperTimeouts(timeouts) } : {}),
  };
  // Written out as parsed: helper.json names the units it may cap even when they are the default.
  const parsed = parseHelperConfig(raw);
  // The helper would refuse to open (in its log); say it here, where the directory is chosen.
  if (beaconPathBytes(kdfLockDir(raw.stateDir)) > MAX_SOCKET_PATH_BYTES) {
    throw new Error(
      `sandbox path too long for the helper's KDF lock sockets (${dir}); choose a shorter directory`,
    );
  }
  await mkdir(raw.stateDir, { recursive: true, mode: 0o700 });
  await chmod(raw.stateDir, 0o700); // a reused sandbox's may be older than this rule
  await writeFile(file, `${JSON.stringify({ ...raw, capUnits: parsed.capUnits }, null, 2)}\n`);
}

/** helperTimeouts keeps the steps the helper runs itself (the Immich wait is the agent's). */
function helperTimeouts(timeouts: Partial<Config['timeouts']>) {
  const { kdfSeconds, mountSeconds, unitSeconds } = timeouts;
  return Object.fromEntries(
    Object.entries({ kdfSeconds, mountSeconds, unitSeconds }).filter(([, s]) => s !== undefined),
  );
}
