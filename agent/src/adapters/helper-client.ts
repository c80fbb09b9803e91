// The agent's side of the privileged helper (ARCHITECTURE §8): one framed request per connection,
// over the helper's unix socket on the Pi or a child process in development, one answer line back.
// Spawning here besides run-command.ts is on purpose: this is the helper's transport, not a command.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { type HelperAnswer, parseAnswerLine, refuse } from '../helper/answers.ts';
import { encodeRequest, type HelperRequest } from '../helper/protocol.ts';

export type { HelperAnswer, HelperRefusal } from '../helper/answers.ts';
export type { HelperRequest } from '../helper/protocol.ts';

/** HelperTransport: the helper's socket (Pi), or the argv that runs it as a child (sandbox). */
export type HelperTransport = { socket: string } | { command: string[] };

/** CallHelper sends one request and answers the helper's answer; it never throws. */
export type CallHelper = (request: HelperRequest) => Promise<HelperAnswer>;

export interface HelperClientOptions {
  /**
   * How long to wait for an answer. The helper bounds its own steps (KDF 120 s, mount 300 s), so
   * the default outlasts the longest of them.
   */
  timeoutMs?: number;
  /** Told why a helper gave no valid answer (its stderr, for the agent's log). */
  log?: (line: string) => void;
}

const DEFAULT_TIMEOUT_MS = 330_000;
/** A unit-failed answer with 20 journal lines is a few KiB; anything near this is not an answer. */
const MAX_ANSWER_BYTES = 64 * 1024;
const MAX_STDERR_BYTES = 4096;
const FALLBACK_PATH = '/run/current-system/sw/bin:/usr/bin:/bin';

type Outcome = { kind: 'line'; line: string } | { kind: 'unreachable' | 'no-answer' | 'timeout' };

/**
 * createHelperClient answers a CallHelper for the configured transport. The frame it builds holds
 * a copy of an `open` passphrase; it zeroes that copy once written. The request's own passphrase
 * belongs to the caller, who zeroes it.
 */
export function createHelperClient(
  transport: HelperTransport,
  options: HelperClientOptions = {},
): CallHelper {
  if ('command' in transport && !transport.command[0]?.startsWith('/')) {
    throw new TypeError('the helper command must start with an absolute program path');
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return async (request) => {
    let frame: Uint8Array;
    try {
      frame = encodeRequest(request);
    } catch {
      return refuse('bad-frame');
    }
    try {
      const outcome =
        'socket' in transport
          ? await viaSocket(transport.socket, frame, timeoutMs)
          : await viaCommand(transport.command, frame, timeoutMs, options.log);
      switch (outcome.kind) {
        case 'line':
          return (
            parseAnswerLine(outcome.line) ??
            refuse('helper-unavailable', 'the helper gave no valid answer')
          );
        case 'timeout':
          return refuse('timeout', 'the helper did not answer in time');
        case 'no-answer':
          return refuse('helper-unavailable', 'the helper closed without answering');
        case 'unreachable':
          return refuse('helper-unavailable');
      }
    } finally {
      frame.fill(0);
    }
  };
}

/** AnswerReader collects output up to the first newline (the answer line) within a byte cap. */
function answerReader() {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    /** push answers the line once it is complete; null while it is not. */
    push(chunk: Buffer): string | null {
      if (size > MAX_ANSWER_BYTES) return null;
      chunks.push(chunk);
      size += chunk.length;
      const all = Buffer.concat(chunks);
      const end = all.indexOf(0x0a);
      return end >= 0 ? all.subarray(0, end).toString('utf8') : null;
    },
  };
}

function viaSocket(path: string, frame: Uint8Array, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const reader = answerReader();
    let connected = false;
    let outcome: Outcome = { kind: 'no-answer' };
    const socket = connect({ path });
    const timer = setTimeout(() => {
      if (outcome.kind === 'no-answer') outcome = { kind: 'timeout' };
      socket.destroy();
    }, timeoutMs);
    socket.on('connect', () => {
      connected = true;
      // end(): the helper reads to the end of the stream, so it must see ours.
      socket.end(frame, () => frame.fill(0));
    });
    socket.on('data', (chunk: Buffer) => {
      const line = reader.push(chunk);
      if (line !== null) {
        outcome = { kind: 'line', line };
        socket.destroy();
      }
    });
    socket.on('error', () => {
      if (!connected) outcome = { kind: 'unreachable' };
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(outcome);
    });
  });
}

function viaCommand(
  argv: string[],
  frame: Uint8Array,
  timeoutMs: number,
  log?: (line: string) => void,
): Promise<Outcome> {
  return new Promise((resolve) => {
    const [program = '', ...args] = argv;
    const reader = answerReader();
    let outcome: Outcome = { kind: 'no-answer' };
    let stderr = '';
    // Only PATH and LANG reach the helper: never the agent's environment.
    const child = spawn(program, args, {
      shell: false,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? FALLBACK_PATH, LANG: 'C' },
    });
    const timer = setTimeout(() => {
      if (outcome.kind === 'no-answer') outcome = { kind: 'timeout' };
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', () => {
      outcome = { kind: 'unreachable' };
    });
    child.stdin.on('error', () => {}); // a helper that refused early may close its stdin first
    child.stdin.end(frame, () => frame.fill(0));
    child.stdout.on('data', (chunk: Buffer) => {
      const line = reader.push(chunk);
      if (line !== null && outcome.kind === 'no-answer') outcome = { kind: 'line', line };
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_STDERR_BYTES)
        stderr += chunk.toString('utf8').slice(0, MAX_STDERR_BYTES);
    });
    child.on('close', () => {
      clearTimeout(timer);
      if (outcome.kind !== 'line' && stderr.trim())
        log?.(`helper gave no answer: ${stderr.trim()}`);
      resolve(outcome);
    });
  });
}
