// readDumpDir on a real temp directory: only dump names, only regular files, newest first, bounded.
import { chmod, mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_DUMPS, readDumpDir } from './dump-dir.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dumps-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) {
    await chmod(dir, 0o700).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
});

const at = (day: number) => new Date(Date.UTC(2026, 11, day, 2));

describe('readDumpDir', () => {
  it('lists dump files newest first with their sizes and times, and nothing else', async () => {
    const dir = await tempDir();
    const put = async (name: string, bytes: number, day: number) => {
      await writeFile(join(dir, name), Buffer.alloc(bytes));
      await utimes(join(dir, name), at(day), at(day));
    };
    await put('immich-db-backup-20261201T020000-v2.4.0-pg14.10.sql.gz', 10, 1);
    await put('immich-db-backup-1764900000000.sql.gz', 30, 3);
    await put('notes.txt', 5, 4);
    await put('immich-db-backup-x.sql', 5, 4);
    await mkdir(join(dir, 'immich-db-backup-dir.sql.gz'));
    await symlink('/etc/passwd', join(dir, 'immich-db-backup-link.sql.gz'));
    expect(await readDumpDir(dir)).toEqual({
      kind: 'ok',
      dumps: [
        { name: 'immich-db-backup-1764900000000.sql.gz', bytes: 30, mtimeMs: at(3).getTime() },
        {
          name: 'immich-db-backup-20261201T020000-v2.4.0-pg14.10.sql.gz',
          bytes: 10,
          mtimeMs: at(1).getTime(),
        },
      ],
    });
  });

  it('answers at most MAX_DUMPS, the newest', async () => {
    const dir = await tempDir();
    for (let i = 0; i < MAX_DUMPS + 5; i++) {
      const name = join(dir, `immich-db-backup-${String(i).padStart(4, '0')}.sql.gz`);
      await writeFile(name, '');
      await utimes(name, i + 1, i + 1);
    }
    const listing = await readDumpDir(dir);
    if (listing.kind !== 'ok') throw new Error(listing.kind);
    expect(listing.dumps).toHaveLength(MAX_DUMPS);
    const name = (i: number) => `immich-db-backup-${String(i).padStart(4, '0')}.sql.gz`;
    expect(listing.dumps[0]?.name).toBe(name(MAX_DUMPS + 4));
    expect(listing.dumps.at(-1)?.name).toBe(name(5));
  });

  it('answers missing for no directory or a linked one, denied for one it may not read', async () => {
    const dir = await tempDir();
    expect(await readDumpDir(join(dir, 'nope'))).toEqual({ kind: 'missing' });
    await mkdir(join(dir, 'real'));
    await symlink(join(dir, 'real'), join(dir, 'linked'));
    expect(await readDumpDir(join(dir, 'linked'))).toEqual({ kind: 'missing' });
    if (process.getuid?.() === 0) return; // root reads a 000 directory anyway
    await chmod(join(dir, 'real'), 0o000);
    expect(await readDumpDir(join(dir, 'real'))).toEqual({ kind: 'denied' });
  });
});
