// The KDF lock's beacon (kdf-lock.ts): a listening unix socket that answers while its process
// lives. The kernel closes it when the process dies, however it dies, so a beacon cannot lie.
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, rmdir, unlink } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';

/** Random bytes in a beacon's name: unique, and short enough for a socket path. */
const ID_BYTES = 6;

/** Beacon is one attempt's listening socket, made in its own `tmp-<id>` directory. */
export interface Beacon {
  /** The directory it was made in; renamed to `held` when the attempt takes the lock. */
  tmpDir: string;
  /** `beacon-<id>`: the same in `tmpDir` and, once renamed, in `held`. */
  name: string;
  server: Server;
}

/** beaconPathBytes is the length of the longest path a beacon binds under `dir`. */
export function beaconPathBytes(dir: string): number {
  const id = '0'.repeat(ID_BYTES * 2);
  return Buffer.byteLength(join(dir, `tmp-${id}`, `beacon-${id}`));
}

/**
 * listenBeacon makes `<dir>/tmp-<id>/` and a beacon listening in it. It answers null when the
 * directory vanished before the socket was bound (a holder's sweep took it while it was empty).
 */
export async function listenBeacon(dir: string): Promise<Beacon | null> {
  const id = randomBytes(ID_BYTES).toString('hex');
  const tmpDir = join(dir, `tmp-${id}`);
  const name = `beacon-${id}`;
  const server = createServer((connection) => connection.destroy());
  await mkdir(tmpDir, { mode: 0o700 });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ path: join(tmpDir, name) }, () => resolve());
    });
  } catch (error) {
    // libuv reports a bind(2) ENOENT as EACCES (as Windows would): look whether the dir is gone.
    const gone = await lstat(tmpDir).then(
      () => false,
      (lstatError) => errno(lstatError) === 'ENOENT',
    );
    if (gone) return null;
    await rmdir(tmpDir).catch(() => {});
    throw error;
  }
  // A lock must not keep the helper alive on its own, and a failed accept must not end it.
  server.unref();
  server.on('error', () => {});
  return { tmpDir, name, server };
}

/** closeBeacon stops the listener: from now on its socket file refuses connections. */
export function closeBeacon(beacon: Beacon): Promise<void> {
  return new Promise((resolve) => beacon.server.close(() => resolve()));
}

/**
 * probeBeacon connects to a beacon's socket file: 'alive' when a listener is there, 'dead' when
 * none is (ECONNREFUSED: its process died, or the file is no socket), 'gone' when it is missing
 * or its listener closed while this connection waited in the backlog (ECONNRESET): look again.
 */
export function probeBeacon(path: string): Promise<'alive' | 'dead' | 'gone'> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path });
    socket.once('connect', () => {
      socket.destroy();
      resolve('alive');
    });
    socket.once('error', (error) => {
      const code = errno(error);
      if (code === 'ECONNREFUSED') resolve('dead');
      else if (code === 'ENOENT' || code === 'ECONNRESET') resolve('gone');
      // A full backlog: a listener is there, so its holder lives.
      else if (code === 'EAGAIN') resolve('alive');
      else reject(error);
    });
  });
}

/** unlinkIfPresent removes a file; one already gone is what was asked for. */
export async function unlinkIfPresent(path: string): Promise<void> {
  await unlink(path).catch((error) => {
    if (errno(error) !== 'ENOENT') throw error;
  });
}

/** errno answers an error's errno name (`ENOENT`...), or undefined. */
export function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}
