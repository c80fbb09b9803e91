// Quiet hours in the phone's IANA time zone (ARCHITECTURE §10): whether a wall time falls inside
// them, and when the current quiet period ends, across daylight-saving changes. Pure: Intl only.
import type { QuietHours } from '../../../../shared/push.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

interface LocalTime {
  year: number;
  month: number;
  day: number;
  /** Minutes since local midnight. */
  minutes: number;
  /** The local clock reading as if it were UTC, ms: its difference from the wall time is the offset. */
  asUtc: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

// An unknown zone falls back to UTC: quiet hours then start and end at the wrong hour, which is
// better than an agent that cannot push at all. The phone's zone is checked when it subscribes.
function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (format) return format;
  const options: Intl.DateTimeFormatOptions = {
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
  };
  try {
    format = new Intl.DateTimeFormat('en-US', { ...options, timeZone });
  } catch {
    format = new Intl.DateTimeFormat('en-US', { ...options, timeZone: 'UTC' });
  }
  formats.set(timeZone, format);
  return format;
}

function localTime(timeZone: string, wall: number): LocalTime {
  const parts: Record<string, number> = {};
  for (const part of formatFor(timeZone).formatToParts(wall)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const [year = 1970, month = 1, day = 1] = [parts.year, parts.month, parts.day];
  const [hour = 0, minute = 0, second = 0] = [parts.hour, parts.minute, parts.second];
  const asUtc =
    Date.UTC(year, month - 1, day, hour, minute, second) + (wall - Math.floor(wall / 1000) * 1000);
  return { year, month, day, minutes: hour * 60 + minute, asUtc };
}

const offsetAt = (timeZone: string, wall: number) => localTime(timeZone, wall).asUtc - wall;

const clockMinutes = (hhmm: string) => {
  const [hours = 0, minutes = 0] = hhmm.split(':').map(Number);
  return hours * 60 + minutes;
};

/** inQuietHours tells whether wall falls within start..end (HH:MM, end may be next day) in timeZone. */
export function inQuietHours(quiet: QuietHours | null, timeZone: string, wall: number): boolean {
  if (!quiet || quiet.start === quiet.end) return false;
  const start = clockMinutes(quiet.start);
  const end = clockMinutes(quiet.end);
  const now = localTime(timeZone, wall).minutes;
  return start < end ? now >= start && now < end : now >= start || now < end;
}

/**
 * quietHoursEnd answers the wall ms when the current quiet period ends (for scheduling a
 * summary), or null when not in quiet hours. When the end's clock time is skipped by a
 * daylight-saving jump, the period ends at the jump; when it occurs twice, at the first.
 */
export function quietHoursEnd(
  quiet: QuietHours | null,
  timeZone: string,
  wall: number,
): number | null {
  if (!quiet || !inQuietHours(quiet, timeZone, wall)) return null;
  const end = clockMinutes(quiet.end);
  const today = localTime(timeZone, wall);
  for (let days = 0; days <= 2; days++) {
    const target = Date.UTC(today.year, today.month - 1, today.day + days) + end * MINUTE;
    const at = wallOfLocal(timeZone, target, wall);
    if (at !== null) return at;
  }
  return null; // unreachable: an end clock time comes within two days
}

// wallOfLocal answers the first wall time after `after` whose local clock reads `target` (a local
// reading as UTC ms), or the jump when the clock skips it; null when none comes after `after`.
// Offsets change at most once around a target, so the offsets a day either side are the ones to try.
function wallOfLocal(timeZone: string, target: number, after: number): number | null {
  const offsets = [offsetAt(timeZone, target - DAY), offsetAt(timeZone, target + DAY)];
  const exact = offsets
    .map((offset) => target - offset)
    .filter((at) => localTime(timeZone, at).asUtc === target);
  if (exact.length > 0) return exact.filter((at) => at > after).sort((a, b) => a - b)[0] ?? null;
  // The clock jumps over the target: find the jump between the two candidates by bisection.
  let low = target - Math.max(...offsets);
  let high = target - Math.min(...offsets);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (localTime(timeZone, middle).asUtc >= target) high = middle;
    else low = middle;
  }
  return high > after ? high : null;
}
