// The helper's request frame (ARCHITECTURE §8): a verb line, and for `open` and `check` a length
// line and exactly that many raw bytes. Parsing is pure and strict so any bytes fit and nothing else does.
import { HELPER_MESSAGES, type HelperRefusal, refuse } from './answers.ts';

/**
 * The longest passphrase in bytes. shared/unlock.ts says the same for the app and the API (a test
 * holds them equal); the helper keeps its own copy so that nothing of the API runs as root.
 */
export const MAX_PASSPHRASE_BYTES = 512;
/** The verb line, newline included, is at most this long. */
export const MAX_VERB_LINE_BYTES = 128;
/** "512\n": the longest length line. */
const MAX_LENGTH_LINE_BYTES = String(MAX_PASSPHRASE_BYTES).length + 1;
/** No valid frame is longer: a reader stops here. */
export const MAX_FRAME_BYTES = MAX_VERB_LINE_BYTES + MAX_LENGTH_LINE_BYTES + MAX_PASSPHRASE_BYTES;
/** A request that has not fully arrived by then is refused: a slow client cannot hold root. */
export const READ_TIMEOUT_MS = 10_000;
/**
 * How long a helper may wait for the first byte. The agent keeps one helper ready ahead of its
 * next request (a warm spare); one it never uses leaves quietly after this long.
 */
export const IDLE_TIMEOUT_MS = 10 * 60_000;

const NEWLINE = 0x0a;
const PRINTABLE_LINE = /^[\x20-\x7e]+$/;
/** systemd unit names, escapes (\x2d) included; the helper config's allow list decides the rest. */
const UNIT_NAME = /^[A-Za-z0-9:_.@\\][A-Za-z0-9:_.@\\-]{0,99}$/;
const LENGTH = /^[1-9][0-9]*$/;
/** A CPU quota in percent of one core: no sign, no leading zero, one spelling per value. */
const PERCENT = /^[1-9][0-9]{0,2}$/;
/** The word that lifts a CPU cap (systemd's empty `CPUQuota=`). */
const NO_QUOTA = 'off';

/** The largest CPU quota the helper sets: four cores (a Pi 4's all), in percent of one. */
export const MAX_CPU_QUOTA_PERCENT = 400;

export type HelperRequest =
  | { verb: 'open'; passphrase: Uint8Array }
  /** Does the passphrase open the drive's LUKS header? Nothing is opened or mounted. */
  | { verb: 'check'; passphrase: Uint8Array }
  | { verb: 'close' }
  | { verb: 'start' | 'stop'; unit: string }
  | { verb: 'start-backup' }
  | { verb: 'tries' }
  /** Starts the restore drill's unit without waiting for it (ARCHITECTURE §17). */
  | { verb: 'start-drill' }
  /** smartctl's SMART reading of the whole disk behind the configured LUKS device. */
  | { verb: 'drive-health' }
  /** The names, sizes and times of Immich's database dumps in the configured directory. */
  | { verb: 'list-dumps' }
  /**
   * Caps a unit's CPU at `percent` of one core (1-400) until the next reboot; null lifts the cap.
   * The line reads `set-cpu-quota <unit> <percent>` or `set-cpu-quota <unit> off`.
   */
  | { verb: 'set-cpu-quota'; unit: string; percent: number | null };

/** FrameParse: wait for more bytes, a whole request, or a refusal that needs no more bytes. */
export type FrameParse =
  | { kind: 'incomplete' }
  | { kind: 'request'; request: HelperRequest }
  | { kind: 'refused'; answer: HelperRefusal };

const INCOMPLETE: FrameParse = { kind: 'incomplete' };
const badFrame = (): FrameParse => ({ kind: 'refused', answer: refuse('bad-frame') });

/**
 * parseFrame reads the bytes received so far; `ended` says the sender closed its side. A request
 * is whole only at the end of the stream: a byte after the frame makes it bad. An `open` or `check`
 * request's passphrase is a view into `bytes` (no copy), so zeroing `bytes` zeroes it.
 */
export function parseFrame(bytes: Uint8Array, ended: boolean): FrameParse {
  const lineEnd = bytes.subarray(0, MAX_VERB_LINE_BYTES).indexOf(NEWLINE);
  if (lineEnd < 0) return ended || bytes.length >= MAX_VERB_LINE_BYTES ? badFrame() : INCOMPLETE;
  const line = ascii(bytes.subarray(0, lineEnd));
  if (!PRINTABLE_LINE.test(line)) return badFrame();
  const [verb = '', ...args] = line.split(' ');
  const rest = bytes.subarray(lineEnd + 1);

  switch (verb) {
    case 'close':
    case 'start-backup':
    case 'tries':
    case 'start-drill':
    case 'drive-health':
    case 'list-dumps':
      return args.length === 0 ? whole({ verb }, rest, ended) : badFrame();
    case 'start':
    case 'stop': {
      const [unit] = args;
      if (args.length !== 1 || unit === undefined || !UNIT_NAME.test(unit)) return badFrame();
      return whole({ verb, unit }, rest, ended);
    }
    case 'set-cpu-quota': {
      const [unit, quota] = args;
      if (args.length !== 2 || unit === undefined || !UNIT_NAME.test(unit)) return badFrame();
      const percent = parsePercent(quota ?? '');
      if (percent === undefined) return badFrame();
      return whole({ verb, unit, percent }, rest, ended);
    }
    case 'open':
    case 'check':
      return args.length === 0 ? parsePassphraseBody(verb, rest, ended) : badFrame();
    default:
      if (verb.length === 0) return badFrame();
      return { kind: 'refused', answer: refuse('unknown-verb') };
  }
}

/** parsePercent reads a quota word: 1-400, or null for `off`; undefined for anything else. */
function parsePercent(word: string): number | null | undefined {
  if (word === NO_QUOTA) return null;
  if (!PERCENT.test(word)) return undefined;
  const percent = Number(word);
  return percent <= MAX_CPU_QUOTA_PERCENT ? percent : undefined;
}

/** isCpuQuota says a request's percent is one the helper takes: an integer 1-400, or null. */
export function isCpuQuota(percent: number | null): boolean {
  return (
    percent === null ||
    (Number.isInteger(percent) && percent >= 1 && percent <= MAX_CPU_QUOTA_PERCENT)
  );
}

/** parsePassphraseBody reads "<len>\n" and exactly len bytes after the `open` or `check` line. */
function parsePassphraseBody(verb: 'open' | 'check', rest: Uint8Array, ended: boolean): FrameParse {
  const lengthEnd = rest.subarray(0, MAX_LENGTH_LINE_BYTES).indexOf(NEWLINE);
  if (lengthEnd < 0) return ended || rest.length >= MAX_LENGTH_LINE_BYTES ? badFrame() : INCOMPLETE;
  const lengthText = ascii(rest.subarray(0, lengthEnd));
  // No sign, no leading zero, no spaces: one spelling per length.
  if (!LENGTH.test(lengthText)) return badFrame();
  const length = Number(lengthText);
  if (length < 1 || length > MAX_PASSPHRASE_BYTES) return badFrame();
  const body = rest.subarray(lengthEnd + 1);
  if (body.length > length) return badFrame();
  if (body.length < length) return ended ? badFrame() : INCOMPLETE;
  return ended ? { kind: 'request', request: { verb, passphrase: body } } : INCOMPLETE;
}

/** whole answers a request without a body once the stream ended with nothing after its line. */
function whole(request: HelperRequest, rest: Uint8Array, ended: boolean): FrameParse {
  if (rest.length > 0) return badFrame();
  return ended ? { kind: 'request', request } : INCOMPLETE;
}

function ascii(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

/**
 * encodeRequest frames a request for the helper. The caller owns (and zeroes) the answer, which
 * holds a copy of an `open` or `check` passphrase. A request the helper would refuse as a bad frame throws
 * a TypeError naming the problem in fixed words (never the bytes).
 */
export function encodeRequest(request: HelperRequest): Uint8Array {
  switch (request.verb) {
    case 'open':
    case 'check': {
      const { passphrase } = request;
      if (passphrase.length < 1 || passphrase.length > MAX_PASSPHRASE_BYTES) {
        throw new TypeError(`a passphrase must be 1-${MAX_PASSPHRASE_BYTES} bytes`);
      }
      const head = new TextEncoder().encode(`${request.verb}\n${passphrase.length}\n`);
      const frame = new Uint8Array(head.length + passphrase.length);
      frame.set(head);
      frame.set(passphrase, head.length);
      return frame;
    }
    case 'start':
    case 'stop':
      if (!UNIT_NAME.test(request.unit)) throw new TypeError(HELPER_MESSAGES['bad-frame']);
      return new TextEncoder().encode(`${request.verb} ${request.unit}\n`);
    case 'set-cpu-quota': {
      if (!UNIT_NAME.test(request.unit) || !isCpuQuota(request.percent)) {
        throw new TypeError(HELPER_MESSAGES['bad-frame']);
      }
      const quota = request.percent === null ? NO_QUOTA : String(request.percent);
      return new TextEncoder().encode(`${request.verb} ${request.unit} ${quota}\n`);
    }
    case 'close':
    case 'start-backup':
    case 'tries':
    case 'start-drill':
    case 'drive-health':
    case 'list-dumps':
      return new TextEncoder().encode(`${request.verb}\n`);
  }
}
