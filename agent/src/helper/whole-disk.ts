// Finds the whole disk behind the helper config's LUKS device, through /dev and sysfs only: the
// by-uuid link names a partition (sda1), sysfs names its parent disk (sda). Never from a request.
import { basename, dirname, join, resolve } from 'node:path';
import type { HelperConfig } from './config.ts';

/** DiskLookup are the file looks whole-disk needs: one link step, a realpath, an lstat. */
export interface DiskLookup {
  /** readLink answers a link's target as written, null when path is no link (or is gone). */
  readLink(path: string): Promise<string | null>;
  /** realPath answers path with every link resolved, null when it does not resolve. */
  realPath(path: string): Promise<string | null>;
  /** pathExists is lstat: true for anything there, a dangling link too. */
  pathExists(path: string): Promise<boolean>;
}

/** Kernel block device names: sda, sda1, nvme0n1p1, mmcblk0p2. Nothing that could be an option. */
const BLOCK_NAME = /^[a-z][a-z0-9]{1,31}$/;
const MAX_LINK_STEPS = 8;

/**
 * wholeDiskOf answers the disk's device path (/dev/sda for /dev/disk/by-uuid/<uuid> → sda1,
 * /dev/nvme0n1 for nvme0n1p1), or null when it cannot be found. It follows the by-uuid link a
 * step at a time and stops at the first name in devRoot that sysfs knows as a block device
 * (udev's links are one step: ../../sda1); in the sandbox that name is itself a link to an image.
 * A device that is a whole disk (no `partition` file in sysfs) is its own disk.
 */
export async function wholeDiskOf(
  config: Pick<HelperConfig, 'device' | 'devRoot' | 'sysRoot'>,
  fs: DiskLookup,
): Promise<string | null> {
  const classBlock = join(config.sysRoot, 'class/block');
  const isBlockName = async (path: string) =>
    dirname(path) === config.devRoot &&
    BLOCK_NAME.test(basename(path)) &&
    (await fs.pathExists(join(classBlock, basename(path))));
  let path = config.device;
  for (let step = 0; step < MAX_LINK_STEPS && !(await isBlockName(path)); step++) {
    const target = await fs.readLink(path);
    if (target === null) return null;
    path = resolve(dirname(path), target);
  }
  if (!(await isBlockName(path))) return null;
  const name = basename(path);
  const entry = join(classBlock, name);
  if (!(await fs.pathExists(join(entry, 'partition')))) return join(config.devRoot, name);
  // /sys/class/block/sda1 → /sys/devices/.../block/sda/sda1: the partition's parent is its disk.
  const real = await fs.realPath(entry);
  const disk = real === null ? '' : basename(dirname(real));
  if (!BLOCK_NAME.test(disk) || !(await fs.pathExists(join(classBlock, disk)))) return null;
  return join(config.devRoot, disk);
}
