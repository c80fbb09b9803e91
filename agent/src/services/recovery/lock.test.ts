import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockHolder, releaseLock, takeLock, waitWhileLocked } from './lock.ts';

describe('the backup/drill lock', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lock-'));

  it('is taken once, released by its holder only', async () => {
    const file = join(dir, 'a.lock');
    expect(await takeLock(file)).toBe(true);
    expect(await takeLock(file)).toBe(false);
    await releaseLock(file, 1);
    expect(await lockHolder(file)).toBe(process.pid);
    await releaseLock(file);
    expect(await lockHolder(file)).toBeNull();
  });

  it('takes over a lock whose pid is dead', async () => {
    const file = join(dir, 'b.lock');
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => child.on('exit', r));
    await writeFile(file, `${child.pid}\n`);
    expect(await takeLock(file)).toBe(true);
    expect((await readFile(file, 'utf8')).trim()).toBe(String(process.pid));
  });

  it('waits while a live pid holds it, bounded', async () => {
    const file = join(dir, 'c.lock');
    await writeFile(file, `${process.pid}\n`);
    const started = Date.now();
    expect(await waitWhileLocked(file, 200, 20)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    setTimeout(() => releaseLock(file), 100);
    expect(await waitWhileLocked(file, 5000, 20)).toBe(true);
  });
});
