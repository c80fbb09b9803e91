// The backup spool on disk (ARCHITECTURE §11): root writes records, the agent only reads them.
// Root never follows a link or reuses a file here, so a spool it shares can't be turned on it.
import { constants } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Spool file names: `<invocation id>.before.json` and `<invocation id>.run.json`. */
export const SPOOL_NAME = /^([0-9a-f]{32})\.(before|run)\.json$/;

/** A record bigger than this is not one of ours (1,000 snapshots are about 250 KB). */
export const MAX_SPOOL_FILE_BYTES = 16 * 1024 * 1024;

/**
 * writeSpoolFile writes one record: a new temp file (O_EXCL, never an existing file or link),
 * fsync, rename over the name, fsync of the directory. Readers see the old file or the new one.
 */
export async function writeSpoolFile(dir: string, name: string, text: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o750 });
  const temp = join(dir, `.${name}.${process.pid}.tmp`);
  await unlink(temp).catch(() => {});
  const file = await open(temp, 'wx', 0o640);
  try {
    // Whatever the unit's UMask: the agent's group must read it (a UMask=0077 unit made 0600).
    await file.chmod(0o640);
    await file.writeFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temp, join(dir, name));
  const folder = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

/** readSpoolFile reads one record's text without following links; oversized files are refused. */
export async function readSpoolFile(path: string): Promise<string> {
  const file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const { size } = await file.stat();
    if (size > MAX_SPOOL_FILE_BYTES)
      throw new Error(`it is ${size} bytes, more than a record can be`);
    return await file.readFile('utf8');
  } finally {
    await file.close();
  }
}

/** SpoolEntry is one record file by name: its invocation id, kind and modification time. */
export interface SpoolEntry {
  id: string;
  kind: 'before' | 'run';
  name: string;
  mtimeMs: number;
}

/** listSpool answers the record files in dir (anything else is ignored); none when dir is missing. */
export async function listSpool(dir: string, withTimes = false): Promise<SpoolEntry[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const entries: SpoolEntry[] = [];
  for (const name of names) {
    const match = SPOOL_NAME.exec(name);
    if (!match) continue;
    const mtimeMs = withTimes ? ((await stat(join(dir, name)).catch(() => null))?.mtimeMs ?? 0) : 0;
    entries.push({ id: match[1] as string, kind: match[2] as 'before' | 'run', name, mtimeMs });
  }
  return entries;
}

/** listNames answers the file names in a spool dir; none when it is missing. */
export async function listNames(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** removeSpoolFile deletes a record; one already gone is fine. */
export async function removeSpoolFile(dir: string, name: string): Promise<void> {
  await unlink(join(dir, name)).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}
