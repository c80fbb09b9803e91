// Backups at a glance in words, for Home's tile and the Backups screen's header (ARCHITECTURE §11).
import type { BackupSummary } from '../../../shared/backups.ts';
import { formatDate, TIME } from '../clock.ts';

const DAY_MS = 86_400_000;

/** calendarDay numbers the phone's local day of `ms`, so "tomorrow" follows its calendar. */
const calendarDay = (ms: number) => {
  const date = new Date(ms);
  return Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()) / DAY_MS;
};

/**
 * formatNextRun says when a scheduled run comes, on the phone's clock: "today 15:00",
 * "tomorrow 03:00", "Fri 03:00" within the week, else the date; "due now" once it is due.
 */
export function formatNextRun(at: number, now: number): string {
  if (at <= now) return 'due now';
  const days = calendarDay(at) - calendarDay(now);
  const clock = formatDate(at, TIME);
  if (days === 0) return `today ${clock}`;
  if (days === 1) return `tomorrow ${clock}`;
  const options: Intl.DateTimeFormatOptions =
    days < 7 ? { weekday: 'short', ...TIME } : { dateStyle: 'medium', timeStyle: 'short' };
  return formatDate(at, options);
}

/** nextRunWords says when the timer starts the next backup: "Next run tomorrow 03:00". */
export function nextRunWords(summary: BackupSummary, now: number): string {
  return summary.nextAt === null
    ? 'No backup scheduled'
    : `Next run ${formatNextRun(summary.nextAt, now)}`;
}

/** backupNeedsCare tells whether backups want a look: none good for too long, or the last failed. */
export function backupNeedsCare(summary: BackupSummary): boolean {
  return summary.stale || summary.lastResult === 'failed';
}
