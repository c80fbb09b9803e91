// Chooses the database dump a drill restores: Immich's newest `immich-db-backup-*.sql.gz`.

/** Immich's dump names, as the helper's list-dumps verb accepts them. */
export const DUMP_NAME = /^immich-db-backup-[A-Za-z0-9._-]{1,100}\.sql\.gz$/;

export interface DumpCandidate {
  path: string;
  bytes: number;
  mtimeMs: number;
}

/** newestDump answers the dump with the latest mtime (ties: the greater name), or null. */
export function newestDump(files: readonly DumpCandidate[]): DumpCandidate | null {
  let best: DumpCandidate | null = null;
  for (const file of files) {
    const name = file.path.slice(file.path.lastIndexOf('/') + 1);
    if (!DUMP_NAME.test(name)) continue;
    if (
      !best ||
      file.mtimeMs > best.mtimeMs ||
      (file.mtimeMs === best.mtimeMs && file.path > best.path)
    )
      best = file;
  }
  return best;
}
