// Settings' thermal guard form: the fields as typed, checked here before the Pi sees them (§16).
import * as v from 'valibot';
import { GuardSettings } from '../../../shared/immich.ts';
import { ApiError } from '../api/errors.ts';
import { describeError } from '../errors.ts';

/** GuardForm is the form as typed: temperatures in °C, the holds in minutes (people think so). */
export interface GuardForm {
  enabled: boolean;
  pauseC: string;
  pauseHoldMinutes: string;
  resumeC: string;
  resumeHoldMinutes: string;
}

/** The field a problem is about, so the form can point at it. */
export type GuardField = Exclude<keyof GuardForm, 'enabled'>;

export type FormReading =
  | { ok: true; settings: GuardSettings }
  | { ok: false; field: GuardField; problem: string };

/** The range the agent accepts (shared/immich.ts): a Pi 4 throttles from 80 °C. */
const MIN_C = 30;
const MAX_C = 100;
const MAX_HOLD_MINUTES = 24 * 60;

/** formOf fills the form from the guard's settings now. */
export function formOf(settings: GuardSettings): GuardForm {
  return {
    enabled: settings.enabled,
    pauseC: String(settings.pauseC),
    pauseHoldMinutes: minutes(settings.pauseHoldSeconds),
    resumeC: String(settings.resumeC),
    resumeHoldMinutes: minutes(settings.resumeHoldSeconds),
  };
}

// 90 s reads "1.5"; a hold of 45 s "0.75". Never more decimals than seconds need.
const minutes = (seconds: number) => String(Math.round((seconds / 60) * 100) / 100);

/** readGuardForm checks the form and answers the settings to send, or the first problem in words. */
export function readGuardForm(form: GuardForm): FormReading {
  const pauseC = celsius(form.pauseC);
  if (pauseC === null)
    return problem('pauseC', `Pause at: enter a temperature from ${MIN_C} to ${MAX_C} °C.`);
  const resumeC = celsius(form.resumeC);
  if (resumeC === null)
    return problem('resumeC', `Resume below: enter a temperature from ${MIN_C} to ${MAX_C} °C.`);
  if (resumeC >= pauseC)
    return problem(
      'resumeC',
      `Resume below must be lower than Pause at (${pauseC} °C), or the guard would pause and resume over and over.`,
    );
  const pauseHoldSeconds = holdSeconds(form.pauseHoldMinutes);
  if (pauseHoldSeconds === null)
    return problem('pauseHoldMinutes', 'Hot for: enter minutes from 0 to 1440 (a day).');
  const resumeHoldSeconds = holdSeconds(form.resumeHoldMinutes);
  if (resumeHoldSeconds === null)
    return problem('resumeHoldMinutes', 'Cool for: enter minutes from 0 to 1440 (a day).');
  const settings = { enabled: form.enabled, pauseC, pauseHoldSeconds, resumeC, resumeHoldSeconds };
  // The wire schema has the last word, so a form that passes here is one the agent takes.
  const checked = v.safeParse(GuardSettings, settings);
  if (!checked.success) return problem('pauseC', checked.issues[0].message);
  return { ok: true, settings: checked.output };
}

const problem = (field: GuardField, words: string): FormReading => ({
  ok: false,
  field,
  problem: words,
});

/** number reads a typed decimal ("72", "72.5", "72,5" from a comma keyboard), null if it is none. */
function number(text: string): number | null {
  const trimmed = text.trim().replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return null;
  return Number(trimmed);
}

function celsius(text: string): number | null {
  const value = number(text);
  return value !== null && value >= MIN_C && value <= MAX_C ? value : null;
}

function holdSeconds(text: string): number | null {
  const value = number(text);
  return value !== null && value <= MAX_HOLD_MINUTES ? Math.round(value * 60) : null;
}

/**
 * saveErrorWords says why the Pi refused the settings: the app's words for the agent's code, the
 * agent's own message when it names the field it refused, and the code, to quote when asking.
 */
export function saveErrorWords(error: unknown): string {
  const words = describeError(error);
  if (!(error instanceof ApiError)) return words;
  const detail =
    error.code === 'validation-failed' && error.message
      ? ` ${error.message.replace(/\.$/, '')}.`
      : '';
  // A code of a newer agent reaches the app as 'unknown-code': its message says it all.
  const known = error.code !== 'unknown-code' && error.code !== 'unexpected-answer';
  return `${words}${detail}${known ? ` (${error.code})` : ''}`;
}
