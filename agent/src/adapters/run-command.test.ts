// runCommand against real small programs: exit codes, stdin, timeouts, output caps, the child's env.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { CommandError, runCommand } from './run-command.ts';

/** running tells whether pid is a live process (a zombie waiting for its reaper counts as gone). */
async function running(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return stat !== null && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}

async function failure(promise: Promise<unknown>): Promise<CommandError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CommandError);
  return error as CommandError;
}

describe('runCommand', () => {
  it('passes argv through without a shell', async () => {
    const result = await runCommand(['/bin/echo', 'a b', '$HOME', '; true']);
    expect(result).toEqual({ stdout: 'a b $HOME ; true\n', stderr: '' });
  });

  it('throws a CommandError with the exit code and stderr on a non-zero exit', async () => {
    const error = await failure(runCommand(['/bin/sh', '-c', 'echo nope >&2; exit 3']));
    expect(error.exitCode).toBe(3);
    expect(error.signal).toBeNull();
    expect(error.stderr).toBe('nope\n');
    expect(error.timedOut).toBe(false);
    expect(error.argv).toEqual(['/bin/sh', '-c', 'echo nope >&2; exit 3']);
    expect(error.message).toBe('/bin/sh exited with code 3');
  });

  it('writes stdin bytes exactly and keeps them out of the error message', async () => {
    const secret = new TextEncoder().encode('pass phrase\u00e9');
    expect((await runCommand(['cat'], { stdin: secret })).stdout).toBe('pass phrase\u00e9');
    const error = await failure(
      runCommand(['/bin/sh', '-c', 'cat >/dev/null; exit 2'], { stdin: secret }),
    );
    expect(error.exitCode).toBe(2);
    expect(`${error.message} ${error.stderr}`).not.toContain('pass phrase');
  });

  it('closes stdin when none is given, so a reader sees end of file', async () => {
    expect((await runCommand(['cat'], { timeoutMs: 5000 })).stdout).toBe('');
  });

  it('kills a command that outlives its timeout', async () => {
    const started = performance.now();
    const error = await failure(runCommand(['sleep', '10'], { timeoutMs: 100 }));
    expect(performance.now() - started).toBeLessThan(5000);
    expect(error.timedOut).toBe(true);
    expect(error.signal).toBe('SIGKILL');
    expect(error.exitCode).toBeNull();
    expect(error.message).toBe('sleep timed out after 100 ms');
  });

  it('kills the grandchildren of a command that outlives its timeout', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'run-command-'));
    const pidFile = join(dir, 'grandchild.pid');
    let grandchild = 0;
    try {
      const script = `sleep 30 & echo $! > '${pidFile}'; wait`;
      const error = await failure(runCommand(['/bin/sh', '-c', script], { timeoutMs: 500 }));
      expect(error.timedOut).toBe(true);
      grandchild = Number(await readFile(pidFile, 'utf8'));
      expect(grandchild).toBeGreaterThan(0);
      // SIGKILL is delivered asynchronously: wait (bounded) for the kernel to finish the process.
      await vi.waitFor(async () => expect(await running(grandchild)).toBe(false), {
        timeout: 5000,
        interval: 20,
      });
    } finally {
      if (grandchild > 0 && (await running(grandchild))) process.kill(grandchild, 'SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails a command that writes more than the output cap', async () => {
    const error = await failure(
      runCommand(['/bin/sh', '-c', 'head -c 100000 /dev/zero'], { maxOutputBytes: 1000 }),
    );
    expect(error.outputExceeded).toBe(true);
    expect(error.message).toBe('/bin/sh wrote more than the output limit');
  });

  it('keeps output up to the cap', async () => {
    const result = await runCommand(['/bin/sh', '-c', 'printf 0123456789'], { maxOutputBytes: 10 });
    expect(result.stdout).toBe('0123456789');
  });

  it('reports a program that cannot start', async () => {
    const error = await failure(runCommand(['/nonexistent/program']));
    expect(error.exitCode).toBeNull();
    expect(error.message).toBe('/nonexistent/program could not start (ENOENT)');
  });

  it('gives the child only PATH and LANG=C', async () => {
    const { stdout } = await runCommand(['/usr/bin/env']);
    const names = stdout
      .trim()
      .split('\n')
      .map((line) => line.split('=')[0]);
    expect(names.sort()).toEqual(['LANG', 'PATH']);
    expect(stdout).toContain('LANG=C\n');
  });

  it('refuses an empty argv', async () => {
    await expect(runCommand([])).rejects.toThrow(TypeError);
  });
});
