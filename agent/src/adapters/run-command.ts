// The one module that spawns processes: argv arrays, no shell, a timeout, capped output, typed errors.
import { spawn } from 'node:child_process';
import type { RunCommand, RunOptions, RunResult } from '../ports.ts';

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
/** stderr kept on a CommandError: enough for a diagnosis, small enough to log. */
const ERROR_STDERR_BYTES = 4096;
const FALLBACK_PATH = '/run/wrappers/bin:/run/current-system/sw/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** CommandError is a command that could not start, exited non-zero, was killed, timed out or talked too much. */
export class CommandError extends Error {
  override name = 'CommandError';
  readonly argv: readonly string[];
  /** The exit code, or null when the command did not exit by itself (killed, not started). */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The start of the command's stderr, at most 4 KiB. */
  readonly stderr: string;
  /**
   * What it printed on stdout before exiting non-zero ('' otherwise): smartctl says what it
   * found with an exit status that is a bit mask, so its output matters when that is not 0.
   */
  readonly stdout: string;
  readonly timedOut: boolean;
  /** True when stdout or stderr passed maxOutputBytes and the command was killed. */
  readonly outputExceeded: boolean;

  constructor(
    message: string,
    details: {
      argv: readonly string[];
      exitCode: number | null;
      signal: NodeJS.Signals | null;
      stderr: string;
      stdout?: string;
      timedOut?: boolean;
      outputExceeded?: boolean;
      cause?: unknown;
    },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.argv = details.argv;
    this.exitCode = details.exitCode;
    this.signal = details.signal;
    this.stderr = details.stderr.slice(0, ERROR_STDERR_BYTES);
    this.stdout = details.stdout ?? '';
    this.timedOut = details.timedOut ?? false;
    this.outputExceeded = details.outputExceeded ?? false;
  }
}

/**
 * runCommand runs argv without a shell, writes options.stdin (then closes it), and resolves with
 * the output when the command exits 0. Children get only PATH and LANG=C, never the agent's env.
 * Each child leads its own process group, killed whole on a timeout or too much output.
 */
export const runCommand: RunCommand = (argv, options = {}) => {
  const [program, ...args] = argv;
  if (program === undefined) return Promise.reject(new TypeError('runCommand needs a program'));
  return new Promise<RunResult>((resolve, reject) => {
    const child = spawn(program, args, {
      shell: false,
      // Its own process group (setsid), so a timeout kills what it started too: see stop().
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: options.env ?? { PATH: process.env.PATH ?? FALLBACK_PATH, LANG: 'C' },
    });
    const stdout = collect(child.stdout, options, onTooMuch);
    const stderr = collect(child.stderr, options, onTooMuch);
    let timedOut = false;
    let outputExceeded = false;
    let startError: Error | null = null;

    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, timeoutMs);

    function onTooMuch() {
      outputExceeded = true;
      stop();
    }
    // The whole group: a child's own children (a shell's, systemctl's pager) die with it. If the
    // agent itself dies, the group is not ours to kill any more: under systemd the unit's cgroup
    // is (KillMode=control-group stops every process the service started). A grandchild may
    // still hold the pipes open; destroying them lets 'close' fire.
    function stop() {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL'); // the group is gone already, or the child never started
      }
      child.stdout.destroy();
      child.stderr.destroy();
    }

    child.on('error', (error) => {
      startError = error;
    });
    // The child may exit without reading its stdin; that EPIPE is not the command's failure.
    child.stdin.on('error', () => {});
    child.stdin.end(options.stdin ?? undefined);

    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = { stdout: stdout.text(), stderr: stderr.text() };
      const details = {
        argv,
        exitCode: code,
        signal,
        stderr: result.stderr,
        timedOut,
        outputExceeded,
      };
      if (startError) {
        const reason = (startError as NodeJS.ErrnoException).code ?? startError.message;
        // Node reports a spawn failure as close(-errno): that is not the program's exit code.
        const notStarted = { ...details, exitCode: null, cause: startError };
        reject(new CommandError(`${program} could not start (${reason})`, notStarted));
      } else if (timedOut) {
        reject(new CommandError(`${program} timed out after ${timeoutMs} ms`, details));
      } else if (outputExceeded) {
        reject(new CommandError(`${program} wrote more than the output limit`, details));
      } else if (code !== 0) {
        const how = code === null ? `was killed by ${signal}` : `exited with code ${code}`;
        reject(new CommandError(`${program} ${how}`, { ...details, stdout: result.stdout }));
      } else {
        resolve(result);
      }
    });
  });
};

/** collect buffers one output stream up to the cap, calling onTooMuch once when it passes it. */
function collect(stream: NodeJS.ReadableStream, options: RunOptions, onTooMuch: () => void) {
  const max = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const chunks: Buffer[] = [];
  let size = 0;
  stream.on('data', (chunk: Buffer) => {
    if (size > max) return;
    size += chunk.length;
    chunks.push(chunk);
    if (size > max) onTooMuch();
  });
  // Decode once at the end so a character split across chunks stays whole.
  return { text: () => Buffer.concat(chunks).subarray(0, max).toString('utf8') };
}
