// The KDF lock (ARCHITECTURE §7, §8): Argon2id is memory-hard, so two passphrase checks at once
// could push a Pi into the OOM killer. The helper never runs two, and never waits for one.
//
// It lives in `<stateDir>/kdf-lock/`, which only the helper's uid (root) can enter: an abstract
// socket, the old lock, has no permissions, so any local account that bound its name first made
// every unlock answer kdf-busy. Holding the lock = `kdf-lock/held/` contains the holder's beacon
// (kdf-beacon.ts), a unix socket that listens until the holder's process ends.
// - Acquire: make `tmp-<id>/` with the beacon listening inside, then rename it to `held`.
//   rename(2) replaces a missing or EMPTY directory atomically and fails on a non-empty one, so
//   of any number of racers exactly one takes `held`, and none can while a beacon is in it.
// - When the rename fails, connect to the beacon in `held`. It answers: the holder lives, answer
//   null (kdf-busy). ECONNREFUSED: the kernel closed it as its process died, so unlink exactly
//   that beacon (its unique name is never a later holder's) and try again. So no crash can
//   leave the lock stale, and no lock file is needed: Node has no flock(2), and the helper runs
//   no binary and loads no addon for it.
// - Release: unlink our beacon, remove the emptied `held` (ENOTEMPTY: a racer's rename replaced
//   it already, which an empty `held` allows), close the listener.
// - Attempts that died leave `tmp-*` dirs; each new holder sweeps them (unlink beacons that
//   refuse, then rmdir). That can hit a live racer too, whose dir is empty before its bind(2)
//   and whose beacon refuses until its listen(2): so a racer whose dir vanished, or whose beacon
//   did not come along in the rename (it checks), starts over.
import { lstat, readdir, rename, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Beacon,
  closeBeacon,
  errno,
  listenBeacon,
  probeBeacon,
  unlinkIfPresent,
} from './kdf-beacon.ts';
import { KdfLockError, kdfLockDir, openLockDir } from './kdf-lock-dir.ts';

export { KdfLockError, kdfLockDir };

/** KdfLock is a held lock; release it once the passphrase check is over. */
export interface KdfLock {
  /** release never throws: a beacon left behind stops answering when the listener closes. */
  release(): Promise<void>;
}

/** AcquireKdfLock answers the held lock in this state dir, or null when another process holds it. */
export type AcquireKdfLock = (stateDir: string) => Promise<KdfLock | null>;

/** Tries before answering busy; each retry means a holder died or a sweep interfered. */
const ATTEMPTS = 5;

/**
 * acquireKdfLock takes the lock in `<stateDir>/kdf-lock` and answers it, or null while another
 * process holds it. Never waits. Throws KdfLockError when the directory is not the helper's alone.
 */
export const acquireKdfLock: AcquireKdfLock = async (stateDir) => {
  const dir = await openLockDir(stateDir);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const beacon = await listenBeacon(dir);
    if (beacon === null) continue;
    const outcome = await placeBeacon(dir, beacon).catch(async (error: unknown) => {
      await discard(beacon);
      throw error;
    });
    if (outcome === 'held') {
      await sweepDeadAttempts(dir);
      return { release: () => release(dir, beacon) };
    }
    await discard(beacon);
    if (outcome === 'busy') return null;
  }
  return null;
};

/** placeBeacon renames the beacon's dir to `held`: held, busy, or again (something changed). */
async function placeBeacon(dir: string, beacon: Beacon): Promise<'held' | 'busy' | 'again'> {
  const held = join(dir, 'held');
  try {
    await rename(beacon.tmpDir, held);
  } catch (error) {
    if (errno(error) === 'ENOENT') return 'again'; // a sweep took our dir
    if (errno(error) !== 'ENOTEMPTY' && errno(error) !== 'EEXIST') throw error;
    return (await holderLives(held)) ? 'busy' : 'again';
  }
  // A sweep may have unlinked our beacon before it listened: then `held` guards nothing.
  const came = await lstat(join(held, beacon.name)).then(
    () => true,
    (error) => (errno(error) === 'ENOENT' ? false : Promise.reject(error)),
  );
  return came ? 'held' : 'again';
}

/** holderLives probes the beacon in `held`, unlinking it when its holder died. */
async function holderLives(held: string): Promise<boolean> {
  for (const name of await entries(held)) {
    const path = join(held, name);
    if (!name.startsWith('beacon-')) throw new KdfLockError(`${path} is no KDF lock beacon`);
    const probe = await probeBeacon(path);
    if (probe === 'alive') return true;
    if (probe === 'dead') await unlinkIfPresent(path);
  }
  return false;
}

async function release(dir: string, beacon: Beacon): Promise<void> {
  await unlinkIfPresent(join(dir, 'held', beacon.name)).catch(() => {});
  await rmdir(join(dir, 'held')).catch(() => {});
  await closeBeacon(beacon);
}

/** discard ends an attempt that does not hold the lock. */
async function discard(beacon: Beacon): Promise<void> {
  await unlinkIfPresent(join(beacon.tmpDir, beacon.name)).catch(() => {});
  await closeBeacon(beacon);
  await rmdir(beacon.tmpDir).catch(() => {});
}

/** sweepDeadAttempts removes the tmp dirs of attempts whose process died. Best effort. */
async function sweepDeadAttempts(dir: string): Promise<void> {
  for (const name of await entries(dir).catch(() => [])) {
    if (!name.startsWith('tmp-')) continue;
    const tmp = join(dir, name);
    try {
      for (const inner of await entries(tmp)) {
        if ((await probeBeacon(join(tmp, inner))) === 'dead')
          await unlinkIfPresent(join(tmp, inner));
      }
      await rmdir(tmp);
    } catch {
      // ENOTEMPTY: a live attempt's beacon; anything else waits for the next sweep.
    }
  }
}

/** entries lists a directory; one that is gone has none. */
async function entries(dir: string): Promise<string[]> {
  return readdir(dir).catch((error) => (errno(error) === 'ENOENT' ? [] : Promise.reject(error)));
}
