// File-system reads the monitors need: small text files, directory names, existence, statfs.
import { readdir, readFile, stat, statfs } from 'node:fs/promises';
import type { ReadText, StatFs } from '../ports.ts';

/** ListDir answers the entry names of a directory, or null when it does not exist. */
export type ListDir = (path: string) => Promise<string[] | null>;

/** PathExists tells whether path exists, following symlinks (a dangling link does not exist). */
export type PathExists = (path: string) => Promise<boolean>;

// A missing file, a file where a directory was expected, or a link loop all mean "not there".
const ABSENT = new Set(['ENOENT', 'ENOTDIR', 'ELOOP']);

function isAbsent(error: unknown): boolean {
  return ABSENT.has((error as NodeJS.ErrnoException).code ?? '');
}

/** readText reads a small UTF-8 file; null when it is absent, any other failure throws. */
export const readText: ReadText = async (path) => {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isAbsent(error)) return null;
    throw error;
  }
};

/** statFs asks statfs(2) about the file system holding path; null when path is absent. */
export const statFs: StatFs = async (path) => {
  try {
    const fs = await statfs(path);
    return {
      totalBytes: fs.blocks * fs.bsize,
      usedBytes: (fs.blocks - fs.bfree) * fs.bsize,
      // bavail, not bfree: blocks reserved for root are not available to Immich.
      availableBytes: fs.bavail * fs.bsize,
    };
  } catch (error) {
    if (isAbsent(error)) return null;
    throw error;
  }
};

/** listDir answers a directory's entry names (sorted, for a stable scan order) or null when absent. */
export const listDir: ListDir = async (path) => {
  try {
    return (await readdir(path)).sort();
  } catch (error) {
    if (isAbsent(error)) return null;
    throw error;
  }
};

/** pathExists stats path through symlinks, so a by-UUID link to an unplugged disk is false. */
export const pathExists: PathExists = async (path) => {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isAbsent(error)) return false;
    throw error;
  }
};
