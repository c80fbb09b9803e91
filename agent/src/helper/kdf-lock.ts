// The KDF lock (ARCHITECTURE §7, §8): Argon2id is memory-hard, so two passphrase checks at once
// could push a Pi into the OOM killer. The lock is a listening abstract unix socket rather than a
// lock file: the kernel frees the name when the process dies, so it can never go stale.
import { createServer, type Server } from 'node:net';

/** KdfLock is a held lock; release it once the passphrase check is over. */
export interface KdfLock {
  release(): Promise<void>;
}

/** AcquireKdfLock answers the held lock, or null when another process holds it now. */
export type AcquireKdfLock = (name: string) => Promise<KdfLock | null>;

/** kdfLockAddress is the abstract socket name (a leading NUL byte: nothing on the file system). */
export function kdfLockAddress(name: string): string {
  return `\0immich-pi-kdf-${name}`;
}

/** acquireKdfLock binds the lock's abstract socket; EADDRINUSE means another holder. Never waits. */
export const acquireKdfLock: AcquireKdfLock = (name) =>
  new Promise((resolve, reject) => {
    const server = createServer((connection) => connection.destroy());
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') resolve(null);
      else reject(error);
    });
    server.listen({ path: kdfLockAddress(name) }, () => {
      // A lock must not keep the helper alive on its own.
      server.unref();
      resolve({ release: () => closeServer(server) });
    });
  });

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
