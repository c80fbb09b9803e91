// When something happened, as a phone's lists say it. Its own module because lazy screens alone
// use it: a function in format.ts rides in the first load (the shell chunk holds that module, §12).

/** Zone pins the locale and time zone a time is shown in; the phone's own by default (tests pin both). */
export interface Zone {
  locale?: string;
  timeZone?: string;
}

/** calendarDay is the date a moment falls on in a zone, as YYYY-MM-DD. */
function calendarDay(ms: number, timeZone: string | undefined): string {
  // From the parts, not a locale's whole date: WebKit writes en-CA as 11/24/2025, not 2025-11-24,
  // and the Invalid Date that made of "Yesterday" broke Backups and Activity there.
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(ms);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** dayBefore is the YYYY-MM-DD before one, counted on the calendar (a DST day has 23 or 25 hours). */
function dayBefore(day: string): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, date - 1)).toISOString().slice(0, 10);
}

/**
 * formatWhen says when something happened, closer times in fewer words: "just now", "2 min ago",
 * "Today 07:04", "Yesterday 21:10", "Dec 3, 07:04", and the year too when it is not this one.
 */
export function formatWhen(ms: number, now: number, zone: Zone = {}): string {
  const ago = now - ms;
  // A little ahead is the phone's clock and the Pi's disagreeing, not the future.
  if (Math.abs(ago) < 60_000) return 'just now';
  if (ago > 0 && ago < 3_600_000) return `${Math.floor(ago / 60_000)} min ago`;
  const { locale, timeZone } = zone;
  const time = new Date(ms).toLocaleTimeString(locale, {
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  });
  const day = calendarDay(ms, timeZone);
  const today = calendarDay(now, timeZone);
  if (day === today) return `Today ${time}`;
  if (day === dayBefore(today)) return `Yesterday ${time}`;
  const date = new Date(ms).toLocaleDateString(locale, {
    month: 'short',
    day: 'numeric',
    ...(day.slice(0, 4) === today.slice(0, 4) ? {} : { year: 'numeric' }),
    timeZone,
  });
  return `${date}, ${time}`;
}
