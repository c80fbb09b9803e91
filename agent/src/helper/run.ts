// One helper connection (ARCHITECTURE §8): read one framed request with bounded reads, carry it
// out, write one JSON answer line. stdin and stdout are the socket (systemd Accept=yes) or pipes.
import { lstat, readlink, realpath } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { readDumpDir } from '../adapters/dump-dir.ts';
import { readText } from '../adapters/files.ts';
import { runCommand } from '../adapters/run-command.ts';
import { answerLine, type HelperAnswer, refuse } from './answers.ts';
import type { HelperConfig } from './config.ts';
import { acquireKdfLock, KdfLockError } from './kdf-lock.ts';
import { createLimitStore } from './limit-store.ts';
import {
  type FrameParse,
  IDLE_TIMEOUT_MS,
  MAX_FRAME_BYTES,
  parseFrame,
  READ_TIMEOUT_MS,
} from './protocol.ts';
import { type HelperDeps, runVerb } from './verbs.ts';

export interface RunHelperOptions {
  deps?: HelperDeps;
  readTimeoutMs?: number;
  idleTimeoutMs?: number;
  /** One line per request (verb, unit, outcome: never request bytes); stderr by default. */
  log?: (line: string) => void;
}

/**
 * runHelper reads one request from stdin, carries it out and writes one answer line to stdout,
 * which it also resolves with. Every byte received is zeroed before it answers. A connection
 * that ends or idles out before its first byte is a spare nobody used: it resolves null, having
 * run and written nothing.
 */
export async function runHelper(
  stdin: Readable,
  stdout: Writable,
  config: HelperConfig,
  options: RunHelperOptions = {},
): Promise<HelperAnswer | null> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const deps = options.deps ?? realHelperDeps(config, log);
  // One fixed buffer for the whole frame: the passphrase never lives anywhere else in the helper.
  const frame = new Uint8Array(MAX_FRAME_BYTES + 1);
  let answer: HelperAnswer;
  let what = 'request';
  try {
    const parsed = await readFrame(stdin, frame, {
      idleMs: options.idleTimeoutMs ?? IDLE_TIMEOUT_MS,
      readMs: options.readTimeoutMs ?? READ_TIMEOUT_MS,
    });
    if (parsed === null) return null;
    if (parsed.kind === 'request') {
      const { request } = parsed;
      what =
        request.verb === 'start' || request.verb === 'stop'
          ? `${request.verb} ${request.unit}`
          : request.verb;
      answer = await runVerb(request, config, deps).catch((error: unknown) => {
        const { name, message } = error as Error;
        // Fixed words in the answer; the log says why (the directory's path, owner or mode).
        if (error instanceof KdfLockError) {
          log(`helper: ${what} refused: ${message}`);
          return refuse('command-failed', 'the KDF lock directory is unsafe or unusable');
        }
        log(`helper: ${what} failed unexpectedly: ${name}: ${message}`);
        return refuse('command-failed', 'the helper failed');
      });
    } else {
      answer = parsed.kind === 'refused' ? parsed.answer : refuse('bad-frame');
    }
  } finally {
    frame.fill(0);
  }
  log(`helper: ${what} -> ${answer.ok ? 'ok' : answer.code}`);
  await new Promise<void>((resolve) => stdout.write(answerLine(answer), () => resolve()));
  return answer;
}

/** realHelperDeps wires the real adapters: the one process runner, files, the lock, the record. */
export function realHelperDeps(config: HelperConfig, log: (line: string) => void): HelperDeps {
  return {
    runCommand,
    readText,
    acquireKdfLock,
    limitStore: createLimitStore(config.stateDir, (report) =>
      log(`helper: ${report.file} ${report.outcome}: ${report.reason}`),
    ),
    readLink: (path) => readlink(path).catch(() => null),
    realPath: (path) => realpath(path).catch(() => null),
    pathExists: (path) =>
      lstat(path).then(
        () => true,
        () => false,
      ),
    readDumpDir,
  };
}

/**
 * readFrame copies arriving bytes into `frame` (zeroing each chunk), until the frame is whole at
 * the end of the stream, or is refused (it stops reading then), or time runs out: `idleMs` for
 * the first byte, then `readMs` for the rest. It never holds more than frame.length bytes. It
 * answers null when the stream ends, closes or idles out before a first byte.
 */
function readFrame(
  stdin: Readable,
  frame: Uint8Array,
  limits: { idleMs: number; readMs: number },
): Promise<FrameParse | null> {
  return new Promise((resolve) => {
    let length = 0;
    let started = false;
    const finish = (result: FrameParse | null) => {
      clearTimeout(timer);
      stdin.off('data', onData).off('end', onEnd).off('close', onClose).off('error', onError);
      stdin.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer | string) => {
      if (!started && chunk.length > 0) {
        // The request has begun: from here a slow client gets the short read limit.
        started = true;
        clearTimeout(timer);
        timer = setTimeout(onError, limits.readMs);
      }
      if (typeof chunk === 'string')
        return finish({ kind: 'refused', answer: refuse('bad-frame') });
      const taken = Math.min(chunk.length, frame.length - length);
      frame.set(chunk.subarray(0, taken), length);
      chunk.fill(0);
      length += taken;
      const parsed = parseFrame(frame.subarray(0, length), false);
      if (parsed.kind === 'refused') finish(parsed);
    };
    const onEnd = () => finish(started ? parseFrame(frame.subarray(0, length), true) : null);
    const onError = () => finish({ kind: 'refused', answer: refuse('bad-frame') });
    // Closed without a clean end: whatever arrived is not a whole frame, so it runs nothing.
    const onClose = () => (started ? onError() : finish(null));
    let timer = setTimeout(() => finish(null), limits.idleMs);
    stdin.on('data', onData).on('end', onEnd).on('close', onClose).on('error', onError);
  });
}
