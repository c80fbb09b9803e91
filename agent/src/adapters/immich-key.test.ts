// The key file checks on real files: a good key, and each refusal with words that never hold the key.
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readImmichKey } from './immich-key.ts';

const KEY = 'Zq3XyKpL0aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456';

let dir = '';
let mount = '';
let file = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ipi-key-'));
  mount = join(dir, 'mnt/immich_drive');
  await mkdir(join(mount, 'secrets'), { recursive: true });
  file = join(mount, 'secrets/immich-pi-api-key');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** put writes the key file with a mode (chmod, so the umask does not change it). */
async function put(text: string, mode = 0o640, path = file) {
  await writeFile(path, text);
  await chmod(path, mode);
}

/** refused reads the key file and answers the refusal, checking it never holds the key. */
async function refused(path = file, mountPoint = mount) {
  const result = await readImmichKey(path, mountPoint);
  expect(result.ok).toBe(false);
  expect(JSON.stringify(result)).not.toContain(KEY);
  return result as Extract<typeof result, { ok: false }>;
}

describe('readImmichKey', () => {
  it('reads a 0640 key file on the drive, trimmed', async () => {
    await put(`  ${KEY}\n`);
    expect(await readImmichKey(file, mount)).toEqual({ ok: true, key: KEY });
  });

  it('says how to add a key when the file is missing', async () => {
    const result = await refused();
    expect(result.code).toBe('no-key');
    expect(result.message).toContain(file);
    expect(result.message).toContain('install -m 0640');
  });

  it('is no-key for an empty file, or only whitespace', async () => {
    await put(' \n\n');
    expect((await refused()).code).toBe('no-key');
  });

  it('refuses a world-readable file and says to chmod it', async () => {
    await put(KEY, 0o644);
    const result = await refused();
    expect(result.code).toBe('key-unsafe');
    expect(result.message).toContain('chmod 0640');
  });

  it('refuses a symlink, even one to a good file on the drive', async () => {
    const real = join(mount, 'secrets/real-key');
    await put(KEY, 0o640, real);
    await symlink(real, file);
    const result = await refused();
    expect(result.code).toBe('key-unsafe');
    expect(result.message).toContain('symlink');
  });

  it('refuses a file reached through a directory symlink off the drive', async () => {
    const elsewhere = join(dir, 'sd-card');
    await mkdir(elsewhere);
    await put(KEY, 0o640, join(elsewhere, 'immich-pi-api-key'));
    await rm(join(mount, 'secrets'), { recursive: true });
    await symlink(elsewhere, join(mount, 'secrets'));
    const result = await refused();
    expect(result.code).toBe('key-unsafe');
    expect(result.message).toContain('outside the drive');
  });

  it('refuses a file larger than 4 KiB', async () => {
    await put(`${KEY}\n${'x'.repeat(5000)}`);
    const result = await refused();
    expect(result.code).toBe('key-unsafe');
    expect(result.message).toContain('too big');
  });

  it('refuses a file that holds more than a key', async () => {
    await put(`IMMICH_API_KEY="${KEY}"\n`);
    expect((await refused()).code).toBe('key-unsafe');
  });

  it('refuses a directory where the file should be', async () => {
    await mkdir(file);
    expect((await refused()).code).toBe('key-unsafe');
  });

  it('is no-key when the drive is not where the mount point says', async () => {
    await put(KEY);
    const result = await refused(file, join(dir, 'not-mounted'));
    expect(result.code).toBe('no-key');
  });
});
