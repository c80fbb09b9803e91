// removeStaleSocket: a socket file left by a killed process goes; a live one is left alone.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeStaleSocket } from './admin-socket.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function socketPath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ipi-sock-'));
  dirs.push(dir);
  return join(dir, 'agent.sock');
}

// A process killed with SIGKILL cannot unlink its socket: the file stays, refusing connections.
async function leaveStaleSocket(path: string): Promise<void> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `require('node:net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('removeStaleSocket', () => {
  it('removes a socket file whose process is gone', async () => {
    const path = await socketPath();
    await leaveStaleSocket(path);
    expect((await stat(path)).isSocket()).toBe(true);
    await removeStaleSocket(path);
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses, and leaves the socket, while another process listens on it', async () => {
    const path = await socketPath();
    const live = createServer();
    await new Promise<void>((resolve) => live.listen(path, resolve));
    try {
      await expect(removeStaleSocket(path)).rejects.toThrow(/already listening/);
      expect((await stat(path)).isSocket()).toBe(true);
    } finally {
      await new Promise((resolve) => live.close(resolve));
    }
  });
});
