import { chmod, chown, link, lstat, mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireKdfLock, KdfLockError, kdfLockDir } from './kdf-lock.ts';

let base: string;
let stateDir: string;
let lockDir: string;
const servers: Server[] = [];

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'kdf-'));
  stateDir = join(base, 'state');
  lockDir = kdfLockDir(stateDir);
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  await rm(base, { recursive: true, force: true });
});

function listen(path: string): Promise<Server> {
  const server = createServer((connection) => connection.destroy());
  servers.push(server);
  return new Promise((resolve) => server.listen({ path }, () => resolve(server)));
}

/** staleBeacon leaves a socket file at path with no listener: what a SIGKILLed holder leaves. */
async function staleBeacon(path: string): Promise<void> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ path: join(base, 'live.sock') }, resolve));
  await link(join(base, 'live.sock'), path); // a second name, which close() does not unlink
  await new Promise((resolve) => server.close(resolve));
  expect((await lstat(path)).isSocket()).toBe(true);
}

describe('acquireKdfLock', () => {
  it('lets one holder at a time have the lock, never waits, and frees it on release', async () => {
    const first = await acquireKdfLock(stateDir);
    expect(first).not.toBeNull();
    expect(await readdir(lockDir)).toEqual(['held']);
    expect(await acquireKdfLock(stateDir)).toBeNull();
    expect(await acquireKdfLock(stateDir)).toBeNull();
    // A busy answer leaves nothing behind.
    expect(await readdir(lockDir)).toEqual(['held']);
    await first?.release();
    expect(await readdir(lockDir)).toEqual([]);
    const again = await acquireKdfLock(stateDir);
    expect(again).not.toBeNull();
    await again?.release();
    await again?.release(); // twice is harmless
    expect(await readdir(lockDir)).toEqual([]);
  });

  it('makes a missing state dir and lock dir 0700', async () => {
    const lock = await acquireKdfLock(stateDir);
    expect((await lstat(stateDir)).mode & 0o777).toBe(0o700);
    expect((await lstat(lockDir)).mode & 0o777).toBe(0o700);
    await lock?.release();
  });

  it('takes a lock whose holder died (a beacon nothing listens on) or an emptied one', async () => {
    await mkdir(join(lockDir, 'held'), { recursive: true, mode: 0o700 });
    await chmod(stateDir, 0o700);
    await staleBeacon(join(lockDir, 'held/beacon-0123456789ab'));
    const lock = await acquireKdfLock(stateDir);
    expect(lock).not.toBeNull();
    const held = await readdir(join(lockDir, 'held'));
    expect(held).toHaveLength(1);
    expect(held[0]).not.toBe('beacon-0123456789ab');
    await lock?.release();
    await mkdir(join(lockDir, 'held'), { mode: 0o700 }); // left empty by a holder that died
    const next = await acquireKdfLock(stateDir);
    expect(next).not.toBeNull();
    await next?.release();
  });

  it('sweeps the tmp dirs of dead attempts, and leaves a live one alone', async () => {
    await mkdir(join(lockDir, 'tmp-dead'), { recursive: true, mode: 0o700 });
    await chmod(stateDir, 0o700);
    await staleBeacon(join(lockDir, 'tmp-dead/beacon-dead'));
    await mkdir(join(lockDir, 'tmp-empty'), { mode: 0o700 });
    await mkdir(join(lockDir, 'tmp-live'), { mode: 0o700 });
    await listen(join(lockDir, 'tmp-live/beacon-live'));
    const lock = await acquireKdfLock(stateDir);
    expect((await readdir(lockDir)).sort()).toEqual(['held', 'tmp-live']);
    expect(await readdir(join(lockDir, 'tmp-live'))).toEqual(['beacon-live']);
    await lock?.release();
  });

  it('refuses a held lock with something in it that is no beacon', async () => {
    await mkdir(join(lockDir, 'held/stray'), { recursive: true, mode: 0o700 });
    await chmod(stateDir, 0o700);
    await expect(acquireKdfLock(stateDir)).rejects.toThrow(/held\/stray is no KDF lock beacon/);
    expect((await readdir(lockDir)).sort()).toEqual(['held']); // its attempt cleaned up
  });
});

describe('the lock directory', () => {
  const refusal = (dir: string) =>
    acquireKdfLock(dir).then(
      () => 'taken',
      (e: Error) => e,
    );

  it('is refused when group or others can enter the state dir or the lock dir', async () => {
    await mkdir(stateDir, { mode: 0o755 });
    await chmod(stateDir, 0o755);
    const open = await refusal(stateDir);
    expect(open).toBeInstanceOf(KdfLockError);
    expect(String(open)).toContain(`${stateDir} has mode 0755: group and others must have no`);
    expect(await readdir(stateDir)).toEqual([]); // nothing made in it
    await chmod(stateDir, 0o700);
    await mkdir(lockDir, { mode: 0o700 });
    await chmod(lockDir, 0o710);
    expect(String(await refusal(stateDir))).toContain(`${lockDir} has mode 0710`);
  });

  it('is refused when another uid owns it, or it is a symbolic link', async () => {
    // As root, give a dir away; otherwise / is another uid's (root's).
    let foreign = '/';
    if (process.getuid?.() === 0) {
      foreign = join(base, 'foreign');
      await mkdir(foreign, { mode: 0o700 });
      await chown(foreign, 65534, 65534);
    }
    const owner = (await lstat(foreign)).uid;
    const refused = await refusal(foreign);
    expect(refused).toBeInstanceOf(KdfLockError);
    expect(String(refused)).toContain(`is owned by uid ${owner}, not by the helper's uid`);
    await mkdir(stateDir, { mode: 0o700 });
    await symlink(stateDir, join(base, 'link'));
    expect(String(await refusal(join(base, 'link')))).toContain('is not a directory');
  });

  it('is refused when its socket paths would pass the 107 bytes of a unix socket path', async () => {
    const deep = join(base, 'd'.repeat(100 - base.length));
    const refused = await refusal(deep);
    expect(refused).toBeInstanceOf(KdfLockError);
    expect(String(refused)).toMatch(/too long for the KDF lock: .* more than 107/);
    expect(await readdir(base)).toEqual([]);
  });
});
