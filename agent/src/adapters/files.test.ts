// The file adapters against a temp dir: absent means null or false, other failures still throw.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listDir, pathExists, readText, statFs } from './files.ts';

const dir = mkdtempSync(join(tmpdir(), 'files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'temp'), '48500\n');
mkdirSync(join(dir, 'sub'));
writeFileSync(join(dir, 'sub/b'), '');
writeFileSync(join(dir, 'sub/a'), '');
symlinkSync('temp', join(dir, 'good-link'));
symlinkSync('gone', join(dir, 'dangling-link'));

describe('readText', () => {
  it('reads a file as text', async () => {
    expect(await readText(join(dir, 'temp'))).toBe('48500\n');
  });

  it('answers null for a missing file or a file used as a directory', async () => {
    expect(await readText(join(dir, 'missing'))).toBeNull();
    expect(await readText(join(dir, 'temp/inside'))).toBeNull();
  });

  it('throws on other failures, such as reading a directory', async () => {
    await expect(readText(join(dir, 'sub'))).rejects.toMatchObject({ code: 'EISDIR' });
  });
});

describe('statFs', () => {
  it('reports the usage of the file system holding a path', async () => {
    const usage = await statFs(dir);
    expect(usage).not.toBeNull();
    const { totalBytes, usedBytes, availableBytes } = usage ?? {
      totalBytes: 0,
      usedBytes: 0,
      availableBytes: 0,
    };
    expect(totalBytes).toBeGreaterThan(0);
    expect(usedBytes).toBeGreaterThanOrEqual(0);
    expect(usedBytes + availableBytes).toBeLessThanOrEqual(totalBytes);
  });

  it('answers null for a missing path', async () => {
    expect(await statFs(join(dir, 'missing'))).toBeNull();
  });
});

describe('listDir and pathExists', () => {
  it('lists names sorted, null for a missing directory', async () => {
    expect(await listDir(join(dir, 'sub'))).toEqual(['a', 'b']);
    expect(await listDir(join(dir, 'missing'))).toBeNull();
  });

  it('follows symlinks: a dangling link does not exist', async () => {
    expect(await pathExists(join(dir, 'temp'))).toBe(true);
    expect(await pathExists(join(dir, 'good-link'))).toBe(true);
    expect(await pathExists(join(dir, 'dangling-link'))).toBe(false);
    expect(await pathExists(join(dir, 'missing'))).toBe(false);
  });
});
