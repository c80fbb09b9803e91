// One helper connection (ARCHITECTURE §8): read one framed request with bounded reads, carry it
// out, write one JSON answer line. stdin and stdout are the socket (systemd Accept=yes) or pipes.
import type { Readable, Writable } from 'node:stream';
import { readText } from '../adapters/files.ts';
import { runCommand } from '../adapters/run-command.ts';
import { answerLine, type HelperAnswer, refuse } from './answers.ts';
import type { HelperConfig } from './config.ts';
import { acquireKdfLock } from './kdf-lock.ts';
import { createLimitStore } from './limit-store.ts';
import { type FrameParse, MAX_FRAME_BYTES, parseFrame } from './protocol.ts';
import { type HelperDeps, runVerb } from './verbs.ts';

/** A request that has not fully arrived by then is refused: a slow client cannot hold root. */
export const READ_TIMEOUT_MS = 10_000;

export interface RunHelperOptions {
  deps?: HelperDeps;
  readTimeoutMs?: number;
  /** One line per request (verb, unit, outcome: never request bytes); stderr by default. */
  log?: (line: string) => void;
}

/**
 * runHelper reads one request from stdin, carries it out and writes one answer line to stdout,
 * which it also resolves with. Every byte received is zeroed before it answers.
 */
export async function runHelper(
  stdin: Readable,
  stdout: Writable,
  config: HelperConfig,
  options: RunHelperOptions = {},
): Promise<HelperAnswer> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const deps = options.deps ?? realHelperDeps(config, log);
  // One fixed buffer for the whole frame: the passphrase never lives anywhere else in the helper.
  const frame = new Uint8Array(MAX_FRAME_BYTES + 1);
  let answer: HelperAnswer;
  let what = 'request';
  try {
    const parsed = await readFrame(stdin, frame, options.readTimeoutMs ?? READ_TIMEOUT_MS);
    if (parsed.kind === 'request') {
      const { request } = parsed;
      what =
        request.verb === 'start' || request.verb === 'stop'
          ? `${request.verb} ${request.unit}`
          : request.verb;
      answer = await runVerb(request, config, deps).catch((error: unknown) => {
        log(
          `helper: ${what} failed unexpectedly: ${(error as Error).name}: ${(error as Error).message}`,
        );
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
  };
}

/**
 * readFrame copies arriving bytes into `frame` (zeroing each chunk), until the frame is whole at
 * the end of the stream, or is refused (it stops reading then), or time runs out. It never
 * holds more than frame.length bytes.
 */
function readFrame(stdin: Readable, frame: Uint8Array, timeoutMs: number): Promise<FrameParse> {
  return new Promise((resolve) => {
    let length = 0;
    const finish = (result: FrameParse) => {
      clearTimeout(timer);
      stdin.off('data', onData).off('end', onEnd).off('error', onError);
      stdin.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer | string) => {
      if (typeof chunk === 'string')
        return finish({ kind: 'refused', answer: refuse('bad-frame') });
      const taken = Math.min(chunk.length, frame.length - length);
      frame.set(chunk.subarray(0, taken), length);
      chunk.fill(0);
      length += taken;
      const parsed = parseFrame(frame.subarray(0, length), false);
      if (parsed.kind === 'refused') finish(parsed);
    };
    const onEnd = () => finish(parseFrame(frame.subarray(0, length), true));
    const onError = () => finish({ kind: 'refused', answer: refuse('bad-frame') });
    const timer = setTimeout(onError, timeoutMs);
    stdin.on('data', onData).on('end', onEnd).on('error', onError);
  });
}
