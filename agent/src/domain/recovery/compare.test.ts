import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareFiles, sha256File } from './compare.ts';

describe('compareFiles', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'compare-'));
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  const c = join(dir, 'c');
  const big = Buffer.alloc(3 * 1024 * 1024, 7);
  await writeFile(a, big);
  await writeFile(b, big);
  const other = Buffer.from(big);
  other[2_000_000] = 8;
  await writeFile(c, other);

  it('hashes as SHA-256', async () => {
    await writeFile(join(dir, 'abc'), 'abc');
    expect(await sha256File(join(dir, 'abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
  it('matches equal files', async () => expect(await compareFiles(a, b)).toBeNull());
  it('finds one flipped byte', async () =>
    expect(await compareFiles(c, a)).toBe('its contents differ'));
  it('says when the restored file is missing', async () =>
    expect(await compareFiles(join(dir, 'none'), a)).toBe('it was not restored'));
});
