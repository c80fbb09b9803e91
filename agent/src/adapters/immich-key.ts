// The Immich API key, read from a file on the encrypted drive after each unlock (ARCHITECTURE §16).
// The key never leaves this process but as Immich's x-api-key header: never logged, never copied.
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';

export type ImmichKey =
  | { ok: true; key: string }
  | { ok: false; code: 'no-key' | 'key-unsafe'; message: string };

/** An Immich key is a few dozen characters; a file past this is not a key file. */
const MAX_KEY_FILE_BYTES = 4096;
/** Immich's keys are base64url-ish; anything else (spaces, quotes, newlines inside) is a wrong file. */
const KEY_CHARACTERS = /^[A-Za-z0-9_\-+/=.]{16,512}$/;

const HOW_TO_ADD =
  'create an Immich API key with the queue and job permissions and install it with ' +
  '`install -m 0640 -g immich-pi-agent`';

/**
 * readImmichKey reads the key file at `file`, which must lie on the drive mounted at
 * `mountPoint` (both host paths, the sandbox's root already applied).
 */
export async function readImmichKey(file: string, mountPoint: string): Promise<ImmichKey> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    // O_NOFOLLOW: the last part may not be a symlink; O_NONBLOCK: a FIFO cannot hang us.
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return noKey(`No Immich API key at ${file}: ${HOW_TO_ADD} there.`);
    }
    if (code === 'ELOOP') {
      return unsafe(`${file} is a symlink; put the key file itself there (${HOW_TO_ADD}).`);
    }
    if (code === 'EACCES' || code === 'EPERM') {
      return unsafe(`The agent may not read ${file}; give it group immich-pi-agent, mode 0640.`);
    }
    return unsafe(`Cannot open ${file} (${code ?? 'error'}); ${HOW_TO_ADD}.`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return unsafe(`${file} is not a regular file; ${HOW_TO_ADD}.`);
    if ((info.mode & 0o004) !== 0) {
      return unsafe(`${file} is readable by everyone; run \`chmod 0640 ${file}\`.`);
    }
    if (info.size > MAX_KEY_FILE_BYTES) {
      return unsafe(`${file} is too big to be a key file; it should hold the key alone.`);
    }
    // A directory symlink on the way may lead off the drive: the opened file's real path (from
    // its descriptor, so it cannot change between check and read) must stay on it.
    const mount = await realpath(mountPoint).catch(() => null);
    if (mount === null) return noKey(`The drive is not at ${mountPoint}; unlock it first.`);
    const real = await realpath(`/proc/self/fd/${handle.fd}`).catch(() => realpath(file));
    if (!isInside(real, mount)) {
      return unsafe(`${file} lies outside the drive at ${mountPoint}; keep the key on the drive.`);
    }
    const buffer = Buffer.alloc(MAX_KEY_FILE_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_KEY_FILE_BYTES) {
      return unsafe(`${file} is too big to be a key file; it should hold the key alone.`);
    }
    const key = buffer.subarray(0, bytesRead).toString('utf8').trim();
    buffer.fill(0);
    if (key === '') return noKey(`${file} is empty: ${HOW_TO_ADD} there.`);
    if (!KEY_CHARACTERS.test(key)) {
      return unsafe(`${file} does not hold an Immich API key alone; write only the key in it.`);
    }
    return { ok: true, key };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return unsafe(`Cannot read ${file} (${code ?? 'error'}); ${HOW_TO_ADD}.`);
  } finally {
    await handle.close().catch(() => {});
  }
}

const noKey = (message: string): ImmichKey => ({ ok: false, code: 'no-key', message });
const unsafe = (message: string): ImmichKey => ({ ok: false, code: 'key-unsafe', message });

/** isInside is true when path is dir itself or below it. */
function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
