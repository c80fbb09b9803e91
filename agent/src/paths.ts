// Every host path the agent reads, under one root prefix, so tests and the sandbox Pi move it.
import { join } from 'node:path';

export interface DriveConfig {
  uuid: string;
  mapperName: string;
  mountPoint: string;
}

/** hostPaths builds every host path from the root prefix ("/" on the Pi, a temp dir in tests). */
export function hostPaths(root: string, drive: DriveConfig) {
  const at = (...parts: string[]) => join(root, ...parts);
  return {
    root,
    thermalTemp: at('sys/class/thermal/thermal_zone0/temp'),
    hwmonDir: at('sys/class/hwmon'),
    /** The Raspberry Pi firmware's throttle flags (its kernel's; mainline has none). */
    getThrottled: at('sys/devices/platform/soc/soc:firmware/get_throttled'),
    sysBlock: at('sys/block'),
    procUptime: at('proc/uptime'),
    procMeminfo: at('proc/meminfo'),
    procMountinfo: at('proc/self/mountinfo'),
    bootId: at('proc/sys/kernel/random/boot_id'),
    timesyncSynchronized: at('run/systemd/timesync/synchronized'),
    driveByUuid: at('dev/disk/by-uuid', drive.uuid),
    mapperDevice: at('dev/mapper', drive.mapperName),
    /** The mount point as the kernel reports it in mountinfo (not prefixed). */
    driveMountPoint: drive.mountPoint,
    /** Where to statfs the mounted drive. */
    driveMountPath: at(drive.mountPoint),
  };
}

export type HostPaths = ReturnType<typeof hostPaths>;
