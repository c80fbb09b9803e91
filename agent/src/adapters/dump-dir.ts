// Lists Immich's database dumps (`immich-db-backup-*.sql.gz`) in one directory: names, sizes and
// times only, no link followed. The agent uses it when it may read the directory; the helper's
// list-dumps when only root may (on the Pi, Immich's directory may be closed to the agent).
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** DUMP_NAME: the names Immich gives its dumps; nothing else is listed or answered. */
export const DUMP_NAME = /^immich-db-backup-[A-Za-z0-9._-]{1,100}\.sql\.gz$/;
/** The most dumps one listing answers, newest first (Immich keeps 14 by default). */
export const MAX_DUMPS = 200;

/** DumpEntry is one dump file: its name, size in bytes and modification time (wall ms). */
export interface DumpEntry {
  name: string;
  bytes: number;
  mtimeMs: number;
}

/** DumpListing: the dumps, or that the directory is not there, or that we may not read it. */
export type DumpListing =
  | { kind: 'ok'; dumps: DumpEntry[] }
  | { kind: 'missing' }
  | { kind: 'denied' };

/** ReadDumpDir is readDumpDir's port, so services and the helper's tests can fake it. */
export type ReadDumpDir = (dir: string) => Promise<DumpListing>;

/**
 * readDumpDir lists the regular files of dir whose names are dump names, newest first, at most
 * MAX_DUMPS. A directory that is a link is not followed (answered missing); links and anything
 * else inside are left out. Errors other than missing or denied throw.
 */
export const readDumpDir: ReadDumpDir = async (dir) => {
  let names: string[];
  try {
    if ((await lstat(dir)).isSymbolicLink()) return { kind: 'missing' };
    names = await readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    if (code === 'EACCES' || code === 'EPERM') return { kind: 'denied' };
    throw error;
  }
  const dumps: DumpEntry[] = [];
  for (const name of names) {
    if (!DUMP_NAME.test(name)) continue;
    const info = await lstat(join(dir, name)).catch(() => null); // gone meanwhile: rotated away
    if (!info?.isFile()) continue;
    dumps.push({ name, bytes: info.size, mtimeMs: Math.floor(info.mtimeMs) });
  }
  dumps.sort((a, b) => b.mtimeMs - a.mtimeMs || (a.name < b.name ? 1 : -1));
  return { kind: 'ok', dumps: dumps.slice(0, MAX_DUMPS) };
};
