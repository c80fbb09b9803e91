// When something happened, as a phone's lists say it. Its own module because lazy screens alone
// use it: a function in format.ts rides in the first load (the shell chunk holds that module, §12).
import { formatDate, TIME, type Zone } from './clock.ts';

/** calendarDay is the date a moment falls on in a zone, as YYYY-MM-DD. */
function calendarDay(ms: number, timeZone: string | undefined): string {
  if (timeZone === undefined) {
    // The phone's own zone: the Date's fields, no Intl (clock.ts says why that matters at start).
    const date = new Date(ms);
    return dayOf(date.getFullYear(), date.getMonth(), date.getDate());
  }
  // From the parts, not a locale's whole date: WebKit writes en-CA as 11/24/2025, not 2025-11-24,
  // and the Invalid Date that made of "Yesterday" broke Backups and Activity there.
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
  }).formatToParts(ms);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((p) => p.type === type)?.value);
  return dayOf(part('year'), part('month') - 1, part('day'));
}

/** dayOf writes a calendar date (month from 0) as YYYY-MM-DD; out-of-range days roll over. */
const dayOf = (year: number, month: number, date: number) =>
  new Date(Date.UTC(year, month, date)).toISOString().slice(0, 10);

/** dayBefore is the YYYY-MM-DD before one, counted on the calendar (a DST day has 23 or 25 hours). */
function dayBefore(day: string): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return dayOf(year, month - 1, date - 1);
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
  const time = formatDate(ms, TIME, zone);
  const day = calendarDay(ms, zone.timeZone);
  const today = calendarDay(now, zone.timeZone);
  if (day === today) return `Today ${time}`;
  if (day === dayBefore(today)) return `Yesterday ${time}`;
  const thisYear = day.slice(0, 4) === today.slice(0, 4);
  const date = formatDate(
    ms,
    thisYear
      ? { month: 'short', day: 'numeric' }
      : { month: 'short', day: 'numeric', year: 'numeric' },
    zone,
  );
  return `${date}, ${time}`;
}
