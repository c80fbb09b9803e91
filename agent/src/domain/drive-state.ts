// Which state the drive is in, decided from what the system shows (never from a saved file).
import type { DriveState } from '../../../shared/status.ts';

/** DriveProbe is what one look at /dev, /sys/block and mountinfo says about the drive. */
export interface DriveProbe {
  /** The LUKS partition's /dev/disk/by-uuid link resolves to a device. */
  devicePresent: boolean;
  /** /dev/mapper/<name> exists. */
  mapperOpen: boolean;
  /** The mapping's /sys/block/dm-N/slaves/ lists its backing device. */
  slavesPresent: boolean;
  /** mountinfo lists the mount point. */
  mounted: boolean;
  /** The mounted file system (its superblock) is read-only, as after ext4's errors=remount-ro. */
  readOnly: boolean;
}

/**
 * driveStateFromProbe maps a probe to the steady drive states (the transient ones, unlocking and
 * locking, belong to the unlock operation). After a USB drop the mapping and the mount stay
 * behind, so an open mapper only counts when its backing device is still there and the file
 * system has not turned read-only (ARCHITECTURE §7).
 */
export function driveStateFromProbe(probe: DriveProbe): DriveState {
  if (probe.mapperOpen) {
    if (!probe.slavesPresent) return 'missing';
    if (probe.mounted && probe.readOnly) return 'missing';
    return probe.mounted ? 'running' : 'degraded';
  }
  return probe.devicePresent ? 'locked' : 'missing';
}
