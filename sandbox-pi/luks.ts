// The sandbox's drive image: a small real LUKS2 container, or a placeholder when cryptsetup is absent.
import {
  accessSync,
  closeSync,
  constants,
  ftruncateSync,
  openSync,
  readSync,
  rmSync,
} from 'node:fs';
import { delimiter, join } from 'node:path';
import { runCommand } from '../agent/src/adapters/run-command.ts';

/** DEMO_PASSPHRASE unlocks the sandbox's drive image. A demo value in plain sight, never a real secret. */
export const DEMO_PASSPHRASE = 'sandbox pi demo';

const IMAGE_BYTES = 32 * 1024 * 1024;
const LUKS_MAGIC = Buffer.from([0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe]);

/** findCryptsetup looks for cryptsetup where Debian and NixOS put it, then on PATH; null when absent. */
export function findCryptsetup(): string | null {
  const dirs = ['/usr/sbin', '/sbin', ...(process.env.PATH ?? '').split(delimiter).filter(Boolean)];
  for (const dir of dirs) {
    const candidate = join(dir, 'cryptsetup');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return null;
}

/** isLuksImage tells whether a file starts with the LUKS header magic. */
export function isLuksImage(image: string): boolean {
  let fd: number;
  try {
    fd = openSync(image, 'r');
  } catch {
    return false;
  }
  try {
    const head = Buffer.alloc(LUKS_MAGIC.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(LUKS_MAGIC);
  } finally {
    closeSync(fd);
  }
}

/**
 * makeDriveImage writes a sparse 32 MiB file and, when cryptsetup is given, formats it as LUKS2
 * with a cheap Argon2id (8 MiB, 4 iterations) so it opens in milliseconds. The passphrase goes
 * on stdin only.
 */
export async function makeDriveImage(image: string, uuid: string, cryptsetup: string | null) {
  rmSync(image, { force: true });
  const fd = openSync(image, 'w', 0o600);
  try {
    ftruncateSync(fd, IMAGE_BYTES);
  } finally {
    closeSync(fd);
  }
  if (cryptsetup === null) return;
  const argv = [cryptsetup, 'luksFormat', '--type', 'luks2', '--batch-mode', '--uuid', uuid];
  argv.push('--pbkdf', 'argon2id', '--pbkdf-memory', '8192', '--pbkdf-parallel', '1');
  argv.push('--pbkdf-force-iterations', '4', '--key-file=-', image);
  await runCommand(argv, { stdin: new TextEncoder().encode(DEMO_PASSPHRASE), timeoutMs: 30_000 });
}
