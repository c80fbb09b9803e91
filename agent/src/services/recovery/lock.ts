// Backups and drills take turns through one lock file holding the holder's pid (ARCHITECTURE §17).
import { open, readFile, unlink } from 'node:fs/promises';

/** pidAlive answers whether a process with this pid exists (EPERM means it does). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** lockHolder answers the live pid holding the lock, or null when none or it is stale. */
export async function lockHolder(path: string): Promise<number | null> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 && pidAlive(pid) ? pid : null;
}

/** takeLock creates the lock with O_EXCL, taking over a stale one; false while a live pid holds it. */
export async function takeLock(path: string, pid = process.pid): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(path, 'wx', 0o644);
      await file.writeFile(`${pid}\n`);
      await file.close();
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if ((await lockHolder(path)) !== null) return false;
      await unlink(path).catch(() => {}); // stale: its holder is gone
    }
  }
  return false;
}

/** releaseLock removes the lock only when this pid holds it. */
export async function releaseLock(path: string, pid = process.pid): Promise<void> {
  const text = await readFile(path, 'utf8').catch(() => '');
  if (Number.parseInt(text.trim(), 10) === pid) await unlink(path).catch(() => {});
}

/** waitWhileLocked waits while a live drill holds the lock, at most maxMs; true when free. */
export async function waitWhileLocked(
  path: string,
  maxMs: number,
  stepMs = 1000,
): Promise<boolean> {
  const until = Date.now() + maxMs;
  while ((await lockHolder(path)) !== null) {
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return true;
}
