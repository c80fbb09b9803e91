// The KDF lock's directory (kdf-lock.ts): `<stateDir>/kdf-lock`, made 0700 when missing, and
// refused unless only the helper's own uid can enter it and the state dir around it.
import { lstat, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beaconPathBytes } from './kdf-beacon.ts';

/** Linux's sun_path holds 108 bytes, the last one the closing NUL. */
export const MAX_SOCKET_PATH_BYTES = 107;

/** KdfLockError: the lock's directory is not safe or not usable; the message says why. */
export class KdfLockError extends Error {
  override name = 'KdfLockError';
}

/** kdfLockDir is the directory the KDF lock lives in. */
export function kdfLockDir(stateDir: string): string {
  return join(stateDir, 'kdf-lock');
}

/**
 * openLockDir makes the state dir and its `kdf-lock` (0700) when missing and answers the lock's
 * directory. It throws KdfLockError when a beacon's socket path under it would be too long, or
 * when either is not a directory that only this process's uid owns and can enter: no other
 * account may take, jam or empty the lock.
 */
export async function openLockDir(stateDir: string): Promise<string> {
  const dir = kdfLockDir(stateDir);
  const bytes = beaconPathBytes(dir);
  if (bytes > MAX_SOCKET_PATH_BYTES) {
    throw new KdfLockError(
      `${dir} is too long for the KDF lock: its unix socket paths would be ${bytes} bytes, ` +
        `more than ${MAX_SOCKET_PATH_BYTES}; choose a shorter stateDir`,
    );
  }
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  await assertPrivate(stateDir);
  await mkdir(dir, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  await assertPrivate(dir);
  return dir;
}

/** assertPrivate throws unless dir is a real directory of our uid with no group or other bits. */
async function assertPrivate(dir: string): Promise<void> {
  const info = await lstat(dir);
  const uid = process.getuid?.();
  if (!info.isDirectory()) {
    throw new KdfLockError(`${dir} is not a directory (the KDF lock needs one)`);
  }
  if (info.uid !== uid) {
    throw new KdfLockError(`${dir} is owned by uid ${info.uid}, not by the helper's uid ${uid}`);
  }
  if ((info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
    throw new KdfLockError(
      `${dir} has mode ${mode}: group and others must have no access (make it 0700)`,
    );
  }
}
