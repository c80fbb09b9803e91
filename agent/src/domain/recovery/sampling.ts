// Picks the files a drill restores: unchanged regular files of the snapshot, never the dumps.
import { posix } from 'node:path';

/** A file as the snapshot lists it (path absolute, as backed up). */
export interface SnapshotFile {
  path: string;
  bytes: number;
  /** The snapshot's mtime, wall ms; rustic's long listing gives minutes only. */
  mtimeMs: number;
}

/** What the drive holds at a path now, or null when it is gone or not a regular file. */
export type DriveStat = { bytes: number; mtimeMs: number } | null;

export interface Sample {
  files: SnapshotFile[];
  /** Regular files that still match the drive, before sampling. */
  eligible: number;
  /** Plain words when fewer than asked were found, else null. */
  note: string | null;
}

/** sameMinute compares times as rustic's listing rounds them: to the minute. */
function sameMinute(a: number, b: number): boolean {
  return Math.floor(a / 60_000) === Math.floor(b / 60_000);
}

function inside(path: string, dir: string): boolean {
  const rel = posix.relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !posix.isAbsolute(rel));
}

/**
 * sampleFiles picks up to n files at random (random() in [0, 1), as Math.random) among the
 * snapshot's files outside dumpsDir whose size and mtime on the drive still match.
 */
export function sampleFiles(
  files: readonly SnapshotFile[],
  onDrive: (path: string) => DriveStat,
  dumpsDir: string,
  n: number,
  random: () => number,
): Sample {
  const pool = files.filter((file) => {
    if (inside(file.path, dumpsDir)) return false;
    const now = onDrive(file.path);
    return now !== null && now.bytes === file.bytes && sameMinute(now.mtimeMs, file.mtimeMs);
  });
  const eligible = pool.length;
  // A partial Fisher-Yates shuffle: the first k are a uniform sample.
  const k = Math.min(n, pool.length);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j] as SnapshotFile, pool[i] as SnapshotFile];
  }
  const note =
    k < n
      ? `only ${k} of the snapshot's files still match the drive, fewer than the ${n} asked`
      : null;
  return { files: pool.slice(0, k), eligible, note };
}
