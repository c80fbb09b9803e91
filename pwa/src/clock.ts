// Dates and times in the phone's own locale, written without waking ICU when the app starts.
//
// A page's first Intl call loads ICU's locale data in one go: measured 20–50 ms in Chromium on a
// 2-core VM, four times that at a phone's speed, and it was most of Home's blocking time. So the
// app learns once how this phone writes each kind of date (Intl's formatToParts of sample dates),
// keeps that shape (kept-shapes.ts), and from then on fills it from the Date's own fields. A shape
// is kept only if it writes every sample exactly as Intl does; a locale it cannot write (other
// digits, another calendar) goes on with Intl.
import { keepDateShapes, keptDateShapes } from './kept-shapes.ts';

/** Zone pins the locale and time zone a time is shown in; the phone's own by default (tests pin both). */
export interface Zone {
  locale?: string;
  timeZone?: string;
}

/** How a locale writes one kind of date: its parts (a literal's text, a number's width in the sample) and names. */
interface Shape {
  parts: [type: string, text: string][];
  months: string[];
  weekdays: string[];
  periods: string[];
  cycle: string;
}
/** What is kept: shapes by their options (null: Intl writes it), for one language list. */
interface Kept {
  version: 1;
  languages: string;
  shapes: Record<string, Shape | null>;
}
/** Where an earlier version kept them, in localStorage: cleared when shapes are learnt. */
const OLD_KEY = 'date-shapes';

// Fields of one digit where they can be, so a number's width shows: 3 Feb 2001, 04:05.
const MONTHS = Array.from({ length: 12 }, (_, month) => new Date(2001, month, 3, 4, 5));
// 7 January 2001 was a Sunday, so these are weekdays 0 to 6, in the afternoon.
const WEEKDAYS = Array.from({ length: 7 }, (_, day) => new Date(2001, 0, 7 + day, 16, 5));
const SAMPLES = [
  ...MONTHS,
  ...WEEKDAYS,
  new Date(2001, 0, 3, 0, 5),
  new Date(2001, 0, 3, 12, 5),
  new Date(2026, 11, 25, 23, 59),
];

const two = (n: number, text: string) => String(n).padStart(text.length, '0');

/** hourIn writes an hour of the day (0–23) on a locale's hour cycle. */
function hourIn(cycle: string, hour: number): number {
  if (cycle === 'h12') return hour % 12 || 12;
  if (cycle === 'h11') return hour % 12;
  if (cycle === 'h24') return hour || 24;
  return hour;
}

/** writeShape fills a shape from a date's own fields; a part it does not know spoils the whole (NUL). */
export function writeShape(shape: Shape, date: Date): string {
  const field = ([type, text]: [string, string]): string | undefined => {
    if (type === 'literal') return text;
    if (type === 'year')
      return text.length === 2 ? two(date.getFullYear() % 100, text) : String(date.getFullYear());
    if (type === 'month') return shape.months[date.getMonth()];
    if (type === 'weekday') return shape.weekdays[date.getDay()];
    if (type === 'day') return two(date.getDate(), text);
    if (type === 'hour') return two(hourIn(shape.cycle, date.getHours()), text);
    if (type === 'minute') return two(date.getMinutes(), text);
    if (type === 'dayPeriod') return shape.periods[date.getHours() < 12 ? 0 : 1];
    return undefined;
  };
  return shape.parts.map((part) => field(part) ?? '\0').join('');
}

/** learnShape reads how a locale writes dates with these options, or null if write cannot match it. */
export function learnShape(
  locale: string | undefined,
  options: Intl.DateTimeFormatOptions,
): Shape | null {
  const format = new Intl.DateTimeFormat(locale, options);
  const { calendar, numberingSystem, hourCycle } = format.resolvedOptions();
  if (calendar !== 'gregory' || numberingSystem !== 'latn') return null;
  const valueIn = (date: Date, type: string) =>
    format.formatToParts(date).find((part) => part.type === type)?.value ?? '';
  // V8 writes a narrow no-break space before AM as a plain one in format() (web compatibility),
  // not in formatToParts(): the shape follows format().
  const plain = !format.format(SAMPLES[0]).includes('\u202f');
  const shape: Shape = {
    parts: format
      .formatToParts(SAMPLES[0])
      .map((part): [string, string] => [
        part.type,
        plain ? part.value.replaceAll('\u202f', ' ') : part.value,
      ]),
    months: MONTHS.map((date) => valueIn(date, 'month')),
    weekdays: WEEKDAYS.map((date) => valueIn(date, 'weekday')),
    periods: [valueIn(MONTHS[0] as Date, 'dayPeriod'), valueIn(WEEKDAYS[0] as Date, 'dayPeriod')],
    cycle: hourCycle ?? '',
  };
  return SAMPLES.every((date) => writeShape(shape, date) === format.format(date)) ? shape : null;
}

let kept: Kept | undefined;

const strings = (list: unknown, length?: number): boolean =>
  Array.isArray(list) &&
  (length === undefined || list.length === length) &&
  list.every((item) => typeof item === 'string');

/** isShape checks what storage gave back: written by an older app, or by hand. */
function isShape(shape: Partial<Shape> | null): boolean {
  return (
    shape === null ||
    (Array.isArray(shape.parts) &&
      shape.parts.every((part) => strings(part, 2)) &&
      strings(shape.months, 12) &&
      strings(shape.weekdays, 7) &&
      strings(shape.periods, 2) &&
      typeof shape.cycle === 'string')
  );
}

function isKept(stored: unknown): stored is Kept {
  const { version, languages, shapes } = (stored ?? {}) as Partial<Kept>;
  return (
    version === 1 &&
    typeof languages === 'string' &&
    typeof shapes === 'object' &&
    shapes !== null &&
    Object.values(shapes).every(isShape)
  );
}

/** keptShapes answers the shapes learnt for the phone's current languages (none if they changed). */
function keptShapes(): Kept {
  const languages = globalThis.navigator?.languages?.join(',') ?? '';
  if (kept?.languages === languages) return kept;
  const stored = keptDateShapes();
  kept =
    isKept(stored) && stored.languages === languages
      ? stored
      : { version: 1, languages, shapes: {} };
  return kept;
}

/**
 * formatDate writes a moment as Intl.DateTimeFormat would with these options: in the phone's
 * locale and zone from a kept shape when it has one, else with Intl (and the shape learnt, kept).
 * A pinned zone always goes through Intl.
 */
export function formatDate(
  ms: number,
  options: Intl.DateTimeFormatOptions,
  zone: Zone = {},
): string {
  if (zone.locale !== undefined || zone.timeZone !== undefined) {
    return new Intl.DateTimeFormat(zone.locale, { ...options, timeZone: zone.timeZone }).format(ms);
  }
  const store = keptShapes();
  const key = JSON.stringify(options);
  let shape = store.shapes[key];
  if (shape === undefined) {
    shape = learnShape(undefined, options);
    store.shapes[key] = shape;
    keepDateShapes(store);
    try {
      globalThis.localStorage?.removeItem(OLD_KEY);
    } catch {
      // Storage refused (a private window): nothing was kept there either.
    }
  }
  return shape
    ? writeShape(shape, new Date(ms))
    : new Intl.DateTimeFormat(undefined, options).format(ms);
}

/** TIME is "08:39" or "8:39 AM", as the phone writes a time of day. */
export const TIME: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' };

/** formatDateTime shows an agent timestamp in the phone's own locale and time zone. */
export function formatDateTime(ms: number): string {
  return formatDate(ms, { dateStyle: 'medium', timeStyle: 'short' });
}
