// One cheap look at the host: sensors, boot, drive and disks from a handful of small file reads.
import { basename, join } from 'node:path';
import type { DiskUsage } from '../../../shared/status.ts';
import type { DriveProbe } from '../domain/drive-state.ts';
import type { HostPaths } from '../paths.ts';
import type { FsUsage, ReadText, StatFs } from '../ports.ts';
import {
  type ListDir,
  listDir as listDirOnDisk,
  type PathExists,
  pathExists as pathExistsOnDisk,
} from './files.ts';

export type { DriveProbe } from '../domain/drive-state.ts';

export interface SystemSample {
  /** CPU temperature in °C with one decimal, null when the thermal zone is unreadable. */
  temperatureC: number | null;
  /** hwmon rpi_volt's under-voltage alarm, null when there is no such sensor. */
  undervoltage: boolean | null;
  /** The firmware throttles the SoC now, or holds its soft temperature limit; null where untold. */
  throttled: boolean | null;
  uptimeSeconds: number | null;
  /** The kernel's boot id, '' when unreadable. */
  bootId: string;
  drive: DriveProbe;
  disks: DiskUsage[];
}

export interface SystemReader {
  /** sample reads the host once; it never spawns a process. */
  sample(): Promise<SystemSample>;
}

export interface SystemReaderOptions {
  paths: HostPaths;
  readText: ReadText;
  statFs: StatFs;
  listDir?: ListDir;
  pathExists?: PathExists;
}

/** Samples between two looks for a missing rpi_volt sensor (it appears when its module loads). */
const RESCAN_MISSING_SENSOR_EVERY = 30;

/** createSystemReader builds the sampler the monitors and the status route share. */
export function createSystemReader(options: SystemReaderOptions): SystemReader {
  const { paths, readText } = options;
  const listDir = options.listDir ?? listDirOnDisk;
  const pathExists = options.pathExists ?? pathExistsOnDisk;
  // A sensor file or a dying disk's statfs can fail with EIO; that is a missing value, not a
  // failed sample (the drive probe must still say the drive is gone).
  const readSensor: ReadText = (path) => readText(path).catch(() => null);
  const statFs: StatFs = (path) => options.statFs(path).catch(() => null);
  const findVoltSensor = voltSensorFinder(paths.hwmonDir, readSensor, (path) =>
    listDir(path).catch(() => null),
  );
  const mapperName = basename(paths.mapperDevice);

  async function readUndervoltage(): Promise<boolean | null> {
    let dir = await findVoltSensor(false);
    if (dir === null) return null;
    let alarm = await readSensor(join(dir, 'in0_lcrit_alarm'));
    // hwmon numbering can change when drivers reload: look again once before giving up.
    if (alarm === null) {
      dir = await findVoltSensor(true);
      if (dir === null) return null;
      alarm = await readSensor(join(dir, 'in0_lcrit_alarm'));
    }
    const value = alarm?.trim();
    return value === '1' ? true : value === '0' ? false : null;
  }

  async function probeDrive(): Promise<DriveProbe> {
    const [devicePresent, mapperOpen, mountinfo] = await Promise.all([
      pathExists(paths.driveByUuid),
      pathExists(paths.mapperDevice),
      readText(paths.procMountinfo),
    ]);
    const slavesPresent =
      mapperOpen && (await mappingHasSlaves(paths.sysBlock, mapperName, readText, listDir));
    const mount = mountinfo === null ? null : findMount(mountinfo, paths.driveMountPoint);
    return {
      devicePresent,
      mapperOpen,
      slavesPresent,
      mounted: mount !== null,
      readOnly: mount?.readOnly ?? false,
    };
  }

  async function readDisks(mounted: boolean): Promise<DiskUsage[]> {
    const [sd, drive] = await Promise.all([
      statFs(paths.root),
      mounted ? statFs(paths.driveMountPath) : Promise.resolve(null),
    ]);
    const disks: DiskUsage[] = [];
    if (sd) disks.push(diskUsage('sd', '/', sd));
    if (drive) disks.push(diskUsage('drive', paths.driveMountPoint, drive));
    return disks;
  }

  return {
    async sample() {
      const [temperature, undervoltage, throttled, uptime, bootId, drive] = await Promise.all([
        readSensor(paths.thermalTemp),
        readUndervoltage(),
        readSensor(paths.getThrottled),
        readSensor(paths.procUptime),
        readSensor(paths.bootId),
        probeDrive(),
      ]);
      return {
        temperatureC: parseMillidegrees(temperature),
        undervoltage,
        throttled: parseThrottled(throttled),
        uptimeSeconds: parseUptime(uptime),
        bootId: bootId?.trim() ?? '',
        drive,
        disks: await readDisks(drive.mounted),
      };
    },
  };
}

/** voltSensorFinder remembers which hwmonN is rpi_volt; `rescan` forgets it. */
function voltSensorFinder(hwmonDir: string, readText: ReadText, listDir: ListDir) {
  let found: string | null = null;
  let samplesSinceScan = Number.POSITIVE_INFINITY;
  return async (rescan: boolean): Promise<string | null> => {
    if (found !== null && !rescan) return found;
    if (found === null && !rescan && samplesSinceScan++ < RESCAN_MISSING_SENSOR_EVERY) return null;
    samplesSinceScan = 0;
    found = null;
    for (const entry of (await listDir(hwmonDir)) ?? []) {
      const dir = join(hwmonDir, entry);
      if ((await readText(join(dir, 'name')))?.trim() === 'rpi_volt') {
        found = dir;
        break;
      }
    }
    return found;
  };
}

/** mappingHasSlaves finds the dm-N named mapperName and tells whether its slaves/ lists a device. */
async function mappingHasSlaves(
  sysBlock: string,
  mapperName: string,
  readText: ReadText,
  listDir: ListDir,
) {
  for (const entry of (await listDir(sysBlock)) ?? []) {
    if (!entry.startsWith('dm-')) continue;
    if ((await readText(join(sysBlock, entry, 'dm/name')))?.trim() !== mapperName) continue;
    const slaves = await listDir(join(sysBlock, entry, 'slaves'));
    return slaves !== null && slaves.length > 0;
  }
  return false;
}

/**
 * findMount reads /proc/self/mountinfo (proc(5)): field 5 is the mount point (octal-escaped);
 * after the "-" separator come the type, the source and the superblock options. Read-only is
 * judged by the superblock: ext4's errors=remount-ro flips it (and so does a plain
 * `mount -o remount,ro`), while the per-mount options of field 6 say "ro" in any service whose
 * systemd sandbox (ProtectSystem=strict) remounted /mnt read-only in its own namespace, which
 * would make a healthy drive look gone. The last matching line wins: it is the mount on top.
 */
export function findMount(mountinfo: string, mountPoint: string): { readOnly: boolean } | null {
  let found: { readOnly: boolean } | null = null;
  for (const line of mountinfo.split('\n')) {
    const fields = line.split(' ');
    if (fields.length < 10 || unescapeMountPath(fields[4] ?? '') !== mountPoint) continue;
    const separator = fields.indexOf('-', 6);
    if (separator < 0) continue;
    found = { readOnly: hasOption(fields[separator + 3] ?? '', 'ro') };
  }
  return found;
}

function hasOption(options: string, name: string): boolean {
  return options.split(',').includes(name);
}

/** unescapeMountPath turns the kernel's octal escapes (\040 for a space) back into characters. */
function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(Number.parseInt(octal, 8)),
  );
}

function parseMillidegrees(text: string | null): number | null {
  const trimmed = text?.trim() ?? '';
  if (!/^-?\d{1,7}$/.test(trimmed)) return null;
  return Math.round(Number(trimmed) / 100) / 10;
}

/**
 * parseThrottled reads get_throttled, the firmware's flags in hex ("50005" or "0x50005"): bit 2
 * is "throttled now", bit 3 "soft temperature limit active" (the SoC slows itself from 80 °C, or
 * the firmware's temp_soft_limit). The other bits (under-voltage, and everything "has occurred
 * since boot") are the under-voltage alert's business or history, not a reason to act now.
 */
function parseThrottled(text: string | null): boolean | null {
  const trimmed = text?.trim() ?? '';
  if (!/^(0x)?[0-9a-f]{1,8}$/i.test(trimmed)) return null;
  return (Number.parseInt(trimmed.replace(/^0x/i, ''), 16) & 0b1100) !== 0;
}

function parseUptime(text: string | null): number | null {
  const first = text?.trim().split(/\s+/)[0] ?? '';
  if (!/^\d+(\.\d+)?$/.test(first)) return null;
  return Math.floor(Number(first));
}

/** diskUsage computes usedPercent as df does: used over what a user could have, root's reserve left out. */
function diskUsage(id: DiskUsage['id'], mountPoint: string, fs: FsUsage) {
  const usable = fs.usedBytes + fs.availableBytes;
  const usedPercent = usable > 0 ? Math.round((fs.usedBytes / usable) * 1000) / 10 : 0;
  return { id, mountPoint, usedBytes: fs.usedBytes, totalBytes: fs.totalBytes, usedPercent };
}
