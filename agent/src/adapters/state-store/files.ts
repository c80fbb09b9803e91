// The file-system steps of the state store: durable replace, keeping the previous copy, quarantine.
import { link, mkdir, open, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';

export type StateStoreOperation =
  | 'create'
  | 'read'
  | 'write'
  | 'sync'
  | 'link'
  | 'rename'
  | 'remove';

/** StateStoreError is a real I/O failure on the state dir (permissions, ENOSPC, not a dir). */
export class StateStoreError extends Error {
  override readonly name = 'StateStoreError';
  /** The errno name (`ENOSPC`, `EACCES`, ...) when the OS gave one. */
  readonly code: string | undefined;

  constructor(
    readonly operation: StateStoreOperation,
    readonly path: string,
    cause: unknown,
  ) {
    const code = errnoCode(cause);
    super(`state store could not ${operation} ${path}: ${code ?? String(cause)}`, { cause });
    this.code = code;
  }
}

function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** attempt runs one file-system call and turns its failure into a StateStoreError. */
async function attempt<R>(operation: StateStoreOperation, path: string, call: () => Promise<R>) {
  try {
    return await call();
  } catch (error) {
    throw new StateStoreError(operation, path, error);
  }
}

/** statePaths names every file that belongs to one kind of state. */
export function statePaths(dir: string, name: string) {
  if (name !== basename(name) || name === '.' || name === '..' || name === '') {
    throw new TypeError(`state file name must be a plain file name, got ${JSON.stringify(name)}`);
  }
  const current = join(dir, name);
  return {
    dir,
    name,
    current,
    previous: `${current}.prev`,
    /** The next content, written and synced before it replaces `current`. */
    tmp: `${current}.tmp`,
    /** A second name for `current`, renamed over `previous`: `current` never goes missing. */
    previousTmp: `${current}.prev.tmp`,
  };
}

export type StatePaths = ReturnType<typeof statePaths>;

/** ensureStateDir creates the state dir (0700) and removes what an interrupted write left. */
export async function ensureStateDir(paths: StatePaths): Promise<void> {
  await attempt('create', paths.dir, () => mkdir(paths.dir, { recursive: true, mode: 0o700 }));
  // A leftover tmp is a write that was never acknowledged, so it is dropped, not recovered.
  await attempt('remove', paths.tmp, () => rm(paths.tmp, { force: true }));
  await attempt('remove', paths.previousTmp, () => rm(paths.previousTmp, { force: true }));
}

/** readIfPresent reads a state file as text, or answers null when it does not exist. */
export async function readIfPresent(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw new StateStoreError('read', path, error);
  }
}

/**
 * replaceDurably makes `content` the current file: write and sync the tmp file, optionally keep
 * the current file as the previous copy, rename tmp over current, sync the directory. When it
 * resolves, a crash or power cut leaves either this content or (never less than) the one before.
 */
export async function replaceDurably(
  paths: StatePaths,
  content: string,
  options: { keepPrevious: boolean },
): Promise<void> {
  const file = await attempt('write', paths.tmp, () => open(paths.tmp, 'w', 0o600));
  try {
    await attempt('write', paths.tmp, () => file.writeFile(content, 'utf8'));
    await attempt('sync', paths.tmp, () => file.datasync());
  } finally {
    await attempt('write', paths.tmp, () => file.close());
  }
  if (options.keepPrevious) await keepPreviousCopy(paths);
  await attempt('rename', paths.current, () => rename(paths.tmp, paths.current));
  await syncDir(paths.dir);
}

async function keepPreviousCopy(paths: StatePaths): Promise<void> {
  // If a crash left current and previous as one inode, rename() below is a no-op that leaves
  // previousTmp behind (POSIX), so clear it first or link() would fail with EEXIST.
  await attempt('remove', paths.previousTmp, () => rm(paths.previousTmp, { force: true }));
  try {
    await link(paths.current, paths.previousTmp);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return; // first write: nothing to keep
    throw new StateStoreError('link', paths.previousTmp, error);
  }
  await attempt('rename', paths.previous, () => rename(paths.previousTmp, paths.previous));
  // When both names were already one inode that rename did nothing; don't leave the extra name.
  await attempt('remove', paths.previousTmp, () => rm(paths.previousTmp, { force: true }));
}

/**
 * sharesInode tells whether current and previous are one file: a crash between keeping the
 * previous copy and renaming the new one in leaves them so, and one bad sector would then take
 * both. (Missing files share nothing.)
 */
export async function sharesInode(paths: StatePaths): Promise<boolean> {
  const [a, b] = await Promise.all([
    stat(paths.current).catch(() => null),
    stat(paths.previous).catch(() => null),
  ]);
  return a !== null && b !== null && a.ino === b.ino && a.dev === b.dev;
}

/** syncDir fsyncs a directory so the renames in it survive a power cut. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await attempt('sync', dir, () => open(dir, 'r'));
  try {
    await attempt('sync', dir, () => handle.sync());
  } finally {
    await attempt('sync', dir, () => handle.close());
  }
}

/**
 * quarantine gives a corrupt file a second name `<file>.corrupt-<wallMs>` (never overwriting an
 * earlier one) and answers it. With `removeOriginal` the corrupt name is then unlinked; without,
 * the caller replaces it, so the state file never goes missing.
 */
export async function quarantine(
  path: string,
  wallMs: number,
  options: { removeOriginal: boolean },
): Promise<string> {
  const base = `${path}.corrupt-${wallMs}`;
  for (let attemptNo = 0; ; attemptNo++) {
    const target = attemptNo === 0 ? base : `${base}-${attemptNo}`;
    try {
      await link(path, target);
    } catch (error) {
      // The wall clock can repeat (no RTC, NTP steps), so a taken name is not an error.
      if (errnoCode(error) === 'EEXIST' && attemptNo < 100) continue;
      throw new StateStoreError('link', target, error);
    }
    if (options.removeOriginal) await attempt('remove', path, () => unlink(path));
    return target;
  }
}
