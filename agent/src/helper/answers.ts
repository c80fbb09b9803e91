// The helper's one-line JSON answers (ARCHITECTURE §8): their schema, which the agent validates,
// and their fixed words. No answer ever carries request bytes, stderr or anything else from input.
import * as v from 'valibot';
import { DUMP_NAME, MAX_DUMPS } from '../adapters/dump-dir.ts';

/** HELPER_PLAIN_CODES are refusals that carry nothing but their code and words. */
export const HELPER_PLAIN_CODES = [
  'bad-frame',
  'unknown-verb',
  'unit-not-allowed',
  'insufficient-memory',
  'drive-missing',
  'kdf-busy',
  'timeout',
  'command-failed',
  'smartctl-missing',
  'no-disk',
  // Only the agent's client answers this one: the helper could not be started or reached.
  'helper-unavailable',
] as const;
export type HelperPlainCode = (typeof HELPER_PLAIN_CODES)[number];

/** The most journal lines a unit-failed answer carries. */
export const MAX_LOG_LINES = 20;
/** Journal lines are cut to this many characters, so an answer stays small. */
export const MAX_LOG_LINE_CHARS = 500;

const Message = v.pipe(v.string(), v.maxLength(200));
/**
 * The most characters of smartctl's stdout a drive-health answer carries (its -H -A -i JSON is a
 * few KiB). With JSON's escapes the answer line stays under the client's 64 KiB cap.
 */
export const MAX_SMART_OUTPUT_CHARS = 48 * 1024;

/** drive-health's reading: smartctl's exit status (a bit mask), its stdout, and the -d it took. */
export const SmartAnswerPart = v.strictObject({
  exitStatus: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(255)),
  output: v.pipe(v.string(), v.maxLength(MAX_SMART_OUTPUT_CHARS)),
  deviceType: v.picklist(['auto', 'sat']),
});

/** list-dumps' entries: names Immich gives its dumps only, newest first. */
export const DumpAnswerPart = v.pipe(
  v.array(
    v.strictObject({
      name: v.pipe(v.string(), v.regex(DUMP_NAME)),
      bytes: v.pipe(v.number(), v.integer(), v.minValue(0)),
      mtimeMs: v.number(),
    }),
  ),
  v.maxLength(MAX_DUMPS),
);

/** More failures than the limiter keeps (5) would be a helper bug; the agent refuses such answers. */
const MAX_FAILURE_AGES = 100;

export const HelperAnswer = v.union([
  v.object({
    ok: v.literal(true),
    /** `tries`: how long ago each wrong passphrase of the current window was, newest last. */
    failureAgesMs: v.pipe(
      v.array(v.pipe(v.number(), v.integer(), v.minValue(0))),
      v.maxLength(MAX_FAILURE_AGES),
    ),
  }),
  v.strictObject({ ok: v.literal(true), smart: SmartAnswerPart }),
  v.strictObject({ ok: v.literal(true), dumps: DumpAnswerPart }),
  // Strict: a `tries` answer with bad ages must not pass as a plain success.
  v.strictObject({ ok: v.literal(true), alreadyOpen: v.optional(v.literal(true)) }),
  v.object({
    ok: v.literal(false),
    code: v.literal('wrong-passphrase'),
    message: Message,
    /** Wrong passphrases still allowed before the helper makes the owner wait. */
    triesLeft: v.pipe(v.number(), v.integer(), v.minValue(0)),
  }),
  v.object({
    ok: v.literal(false),
    code: v.literal('unlock-rate-limited'),
    message: Message,
    retryAfterSeconds: v.pipe(v.number(), v.integer(), v.minValue(1)),
  }),
  v.object({
    ok: v.literal(false),
    code: v.literal('unit-failed'),
    message: Message,
    /** The unit's last journal lines, oldest first: show them as text. */
    logLines: v.pipe(
      v.array(v.pipe(v.string(), v.maxLength(MAX_LOG_LINE_CHARS))),
      v.maxLength(MAX_LOG_LINES),
    ),
  }),
  v.object({ ok: v.literal(false), code: v.picklist(HELPER_PLAIN_CODES), message: Message }),
]);
export type HelperAnswer = v.InferOutput<typeof HelperAnswer>;
export type HelperRefusal = Extract<HelperAnswer, { ok: false }>;
export type HelperErrorCode = HelperRefusal['code'];

/** HELPER_MESSAGES are the fixed words of each refusal. */
export const HELPER_MESSAGES: Record<HelperErrorCode, string> = {
  'bad-frame': 'the request is not a valid frame',
  'unknown-verb': 'the helper does not know that verb',
  'unit-not-allowed': 'that unit is not in the helper config',
  'wrong-passphrase': 'the passphrase is wrong',
  'unlock-rate-limited': 'too many wrong passphrases; wait before trying again',
  'insufficient-memory': 'not enough free memory to open the drive',
  'drive-missing': 'the drive is not connected',
  'kdf-busy': 'another unlock is checking a passphrase',
  'unit-failed': 'the unit failed to start',
  timeout: 'the command took too long',
  'command-failed': 'a system command failed',
  'smartctl-missing': 'smartctl is not installed where the helper config says',
  'no-disk': 'the disk behind the drive cannot be found',
  'helper-unavailable': 'the helper cannot be reached',
};

/** OK is the plain success answer. */
export const OK: HelperAnswer = { ok: true };

/** refuse builds a plain refusal; `message` overrides the words with other fixed words only. */
export function refuse(code: HelperPlainCode, message = HELPER_MESSAGES[code]): HelperRefusal {
  return { ok: false, code, message };
}

/** answerLine serialises an answer as the one line the helper writes. */
export function answerLine(answer: HelperAnswer): string {
  return `${JSON.stringify(answer)}\n`;
}

/** parseAnswerLine validates one answer line; null when it is not JSON or not an answer. */
export function parseAnswerLine(line: string): HelperAnswer | null {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return null;
  }
  const result = v.safeParse(HelperAnswer, raw);
  return result.success ? result.output : null;
}
