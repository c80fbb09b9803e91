// The agent's side of the privileged helper (ARCHITECTURE §8): one framed request per connection,
// over the helper's unix socket on the Pi or a child process in development, one answer line back.
// Spawning here besides run-command.ts is on purpose: this is the helper's transport, not a command.
// Starting a helper (a Node process) costs ~80 ms, so one connection is opened ahead: a warm spare.
import { type ChildProcess, spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { type HelperAnswer, parseAnswerLine, refuse } from '../helper/answers.ts';
import {
  encodeRequest,
  type HelperRequest,
  IDLE_TIMEOUT_MS,
  isCpuQuota,
} from '../helper/protocol.ts';

export type { HelperAnswer, HelperRefusal } from '../helper/answers.ts';
export type { HelperRequest } from '../helper/protocol.ts';

/** HelperTransport: the helper's socket (Pi), or the argv that runs it as a child (sandbox). */
export type HelperTransport = { socket: string } | { command: string[] };

/** CallHelper sends one request and answers the helper's answer; it never throws. */
export type CallHelper = (request: HelperRequest) => Promise<HelperAnswer>;

/** HelperClient is a CallHelper that can also open its spare connection ahead of a request. */
export interface HelperClient extends CallHelper {
  /** warm opens the spare now if there is none alive (say, when an unlock is about to come). */
  warm(): void;
  /** setCpuQuota is setCpuQuota(this, unit, percent). */
  setCpuQuota(unit: string, percent: number | null): Promise<HelperAnswer>;
}

/**
 * setCpuQuota asks the helper to cap a unit's CPU at `percent` of one core (an integer 1-400)
 * until the next reboot, or to lift the cap (null). Any CallHelper will do, a test's fake too.
 * It never throws: a percent out of range answers bad-frame without calling the helper.
 */
export function setCpuQuota(
  callHelper: CallHelper,
  unit: string,
  percent: number | null,
): Promise<HelperAnswer> {
  if (!isCpuQuota(percent)) return Promise.resolve(refuse('bad-frame'));
  return callHelper({ verb: 'set-cpu-quota', unit, percent });
}

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
/** A spare is retired well before the helper's own idle limit, so none dies as it is used. */
const SPARE_MAX_AGE_MS = IDLE_TIMEOUT_MS / 2;

type Outcome = { kind: 'line'; line: string } | { kind: 'unreachable' | 'no-answer' | 'timeout' };

/** Connection: one helper, opened but not yet sent a request. */
interface Connection {
  openedAt: number;
  alive(): boolean;
  /** exchange sends the frame (zeroing it once written) and waits for the answer line. */
  exchange(frame: Uint8Array, timeoutMs: number, log?: (line: string) => void): Promise<Outcome>;
  /** idle lets the agent exit while this waits; exchange holds it again. */
  idle(): void;
  /** discard ends our side: the helper sees EOF before any byte and leaves quietly. */
  discard(): void;
}

/**
 * createHelperClient answers a HelperClient for the configured transport. It keeps at most one
 * spare connection, opened on the first call or warm() and after each call, and uses it when it
 * is still alive; else it opens one as it would without. The frame it builds holds a copy of an
 * `open` or `check` passphrase; it zeroes that copy once written. The request's own passphrase belongs to
 * the caller, who zeroes it.
 */
export function createHelperClient(
  transport: HelperTransport,
  options: HelperClientOptions = {},
): HelperClient {
  if ('command' in transport && !transport.command[0]?.startsWith('/')) {
    throw new TypeError('the helper command must start with an absolute program path');
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const open = (): Connection =>
    'socket' in transport ? openSocket(transport.socket) : openChild(transport.command);
  let spare: Connection | null = null;
  const usable = (connection: Connection): boolean =>
    connection.alive() && performance.now() - connection.openedAt < SPARE_MAX_AGE_MS;
  const warm = () => {
    if (spare !== null && usable(spare)) return;
    spare?.discard();
    spare = null;
    try {
      spare = open();
      spare.idle();
    } catch (error) {
      // No spare then: the next call opens its own, and meets the same error there.
      options.log?.(`cannot open a spare helper: ${(error as Error).message}`);
    }
  };
  const take = (): Connection => {
    const taken = spare;
    spare = null;
    if (taken !== null && usable(taken)) return taken;
    taken?.discard();
    return open();
  };
  const call: CallHelper = async (request) => {
    let frame: Uint8Array;
    try {
      frame = encodeRequest(request);
    } catch {
      return refuse('bad-frame');
    }
    try {
      const connection = take();
      const outcome = await connection.exchange(frame, timeoutMs, options.log);
      // The next helper starts once this one has answered: started during the call, it would
      // take cores from the KDF. A call that comes before it is ready still writes to it.
      setImmediate(warm);
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
  return Object.assign(call, {
    warm,
    setCpuQuota: (unit: string, percent: number | null) => setCpuQuota(call, unit, percent),
  });
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

/** openSocket connects to the helper socket; on the Pi, systemd starts the helper on connect. */
function openSocket(path: string): Connection {
  const socket = connect({ path });
  let connected = false;
  let failed = false;
  let closed = false;
  socket.on('connect', () => {
    connected = true;
  });
  socket.on('error', () => {
    failed = true;
  });
  socket.on('close', () => {
    closed = true;
  });
  return {
    openedAt: performance.now(),
    alive: () => !failed && !closed && !socket.destroyed,
    idle: () => socket.unref(),
    discard: () => socket.end(),
    exchange: (frame, timeoutMs) => exchangeSocket(socket, () => connected, frame, timeoutMs),
  };
}

function exchangeSocket(
  socket: Socket,
  isConnected: () => boolean,
  frame: Uint8Array,
  timeoutMs: number,
): Promise<Outcome> {
  return new Promise((resolve) => {
    socket.ref();
    const reader = answerReader();
    let connected = isConnected();
    let outcome: Outcome = { kind: 'no-answer' };
    const timer = setTimeout(() => {
      if (outcome.kind === 'no-answer') outcome = { kind: 'timeout' };
      socket.destroy();
    }, timeoutMs);
    // end(): the helper reads to the end of the stream, so it must see ours.
    const send = () => socket.end(frame, () => frame.fill(0));
    if (connected) send();
    else
      socket.on('connect', () => {
        connected = true;
        send();
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

/** openChild spawns the helper as a child, waiting on its stdin for the request. */
function openChild(argv: string[]): Connection {
  const [program = '', ...args] = argv;
  // Only PATH and LANG reach the helper: never the agent's environment.
  const child = spawn(program, args, {
    shell: false,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? FALLBACK_PATH, LANG: 'C' },
  });
  let failed = false;
  let closed = false;
  let stderr = '';
  child.on('error', () => {
    failed = true;
  });
  child.on('close', () => {
    closed = true;
  });
  child.stdin.on('error', () => {}); // a helper that refused early may close its stdin first
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < MAX_STDERR_BYTES)
      stderr += chunk.toString('utf8').slice(0, MAX_STDERR_BYTES);
  });
  const pipes = () => [child.stdin, child.stdout, child.stderr] as unknown as Socket[];
  return {
    openedAt: performance.now(),
    alive: () => !failed && !closed && child.exitCode === null && child.signalCode === null,
    idle: () => {
      child.unref();
      for (const pipe of pipes()) pipe.unref?.();
    },
    discard: () => child.stdin.end(),
    exchange: (frame, timeoutMs, log) => exchangeChild(child, frame, timeoutMs, () => stderr, log),
  };
}

function exchangeChild(
  child: ChildProcess & { stdin: NonNullable<ChildProcess['stdin']> },
  frame: Uint8Array,
  timeoutMs: number,
  stderr: () => string,
  log?: (line: string) => void,
): Promise<Outcome> {
  return new Promise((resolve) => {
    child.ref();
    for (const pipe of [child.stdin, child.stdout, child.stderr] as unknown as Socket[])
      pipe.ref?.();
    const reader = answerReader();
    let outcome: Outcome = { kind: 'no-answer' };
    const timer = setTimeout(() => {
      if (outcome.kind === 'no-answer') outcome = { kind: 'timeout' };
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', () => {
      outcome = { kind: 'unreachable' };
    });
    child.stdin.end(frame, () => frame.fill(0));
    child.stdout?.on('data', (chunk: Buffer) => {
      const line = reader.push(chunk);
      if (line !== null && outcome.kind === 'no-answer') outcome = { kind: 'line', line };
    });
    child.on('close', () => {
      clearTimeout(timer);
      if (outcome.kind !== 'line' && stderr().trim())
        log?.(`helper gave no answer: ${stderr().trim()}`);
      resolve(outcome);
    });
  });
}
