// Child processes for the benches: spawn node, time it to a ready line or to exit, stop it, read RSS.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

export interface ReadyChild {
  child: ChildProcess;
  /** The stdout line that matched `ready`. */
  line: string;
  /** Milliseconds from spawn() to that line arriving here. */
  readyMs: number;
}

/** startNode spawns `node ...args` and resolves once a whole stdout line matches `ready`. */
export function startNode(args: string[], ready: RegExp, timeoutMs = 10_000): Promise<ReadyChild> {
  const startedAt = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let settled = false;
    let stdout = '';
    let stderr = '';
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`node ${args.join(' ')}: ${reason}\n${stderr}`));
    };
    const timer = setTimeout(() => fail(`not ready within ${timeoutMs} ms`), timeoutMs);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      if (settled) return;
      const arrivedMs = performance.now() - startedAt;
      stdout += chunk;
      const line = stdout
        .split('\n')
        .slice(0, -1)
        .find((l) => ready.test(l));
      if (line === undefined) return;
      settled = true;
      clearTimeout(timer);
      resolve({ child, line, readyMs: arrivedMs });
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', (error) => fail(error.message));
    child.once('exit', (code, signal) => fail(`exited (${code ?? signal}) before it was ready`));
  });
}

/** timeToExit answers the milliseconds from spawning `node ...args` to its exit. */
export function timeToExit(args: string[]): Promise<number> {
  const startedAt = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(performance.now() - startedAt);
      else reject(new Error(`node ${args.join(' ')} exited with ${code}`));
    });
  });
}

/** stopChild sends SIGTERM, waits up to 5 s for the exit, then SIGKILLs. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** rssBytes reads a live process's resident set size (VmRSS) from /proc. */
export async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!kb) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(kb[1]) * 1024;
}

/** sleep resolves after `msToWait` milliseconds. */
export const sleep = (msToWait: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, msToWait));
