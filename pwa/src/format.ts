// Numbers from the agent in words a person reads at a glance: ages, uptimes, sizes, temperatures.
import type { DriveState, UnitStatus } from '../../shared/status.ts';

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/** formatAge says how long ago something happened: "just now", "2 minutes ago", "3 days ago". */
export function formatAge(ageMs: number): string {
  const seconds = Math.floor(Math.max(0, ageMs) / 1000);
  if (seconds < 10) return 'just now';
  if (seconds < MINUTE) return `${plural(seconds, 'second')} ago`;
  if (seconds < HOUR) return `${plural(Math.floor(seconds / MINUTE), 'minute')} ago`;
  if (seconds < DAY) return `${plural(Math.floor(seconds / HOUR), 'hour')} ago`;
  return `${plural(Math.floor(seconds / DAY), 'day')} ago`;
}

/** formatWait says how long to wait, rounded up: "45 seconds", "12 minutes", "2 hours". */
export function formatWait(totalSeconds: number): string {
  const s = Math.ceil(Math.max(1, totalSeconds));
  if (s < MINUTE) return plural(s, 'second');
  if (s < 2 * HOUR) return plural(Math.ceil(s / MINUTE), 'minute');
  return plural(Math.ceil(s / HOUR), 'hour');
}

/** formatUptime says how long the Pi has been up, in its two largest units. */
export function formatUptime(totalSeconds: number): string {
  const s = Math.floor(Math.max(0, totalSeconds));
  if (s < MINUTE) return 'less than a minute';
  const days = Math.floor(s / DAY);
  const hours = Math.floor((s % DAY) / HOUR);
  const minutes = Math.floor((s % HOUR) / MINUTE);
  if (days > 0)
    return hours > 0 ? `${plural(days, 'day')}, ${plural(hours, 'hour')}` : plural(days, 'day');
  if (hours > 0)
    return minutes > 0
      ? `${plural(hours, 'hour')}, ${plural(minutes, 'minute')}`
      : plural(hours, 'hour');
  return plural(minutes, 'minute');
}

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

/** formatBytes uses decimal units, as disk makers and `df -H` do: "931.5 GB". */
export function formatBytes(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${BYTE_UNITS[unit]}`;
}

/** formatTemperature shows one decimal, as the thermal zone reads in millidegrees. */
export function formatTemperature(celsius: number): string {
  return `${celsius.toFixed(1)} °C`;
}

/** DRIVE_WORDS names each drive state and says what it means for Immich. */
export const DRIVE_WORDS: Record<DriveState, { label: string; detail: string }> = {
  missing: { label: 'missing', detail: 'The drive is not connected. Plug it in.' },
  locked: { label: 'locked', detail: 'The drive is locked, so Immich is stopped.' },
  unlocking: { label: 'unlocking', detail: 'Opening the drive and starting Immich.' },
  running: { label: 'running', detail: 'The drive is open and Immich is running.' },
  degraded: { label: 'degraded', detail: 'The drive is open but part of Immich is not running.' },
  failed: {
    label: 'failed',
    detail: 'Something failed while opening the drive or starting Immich.',
  },
  locking: { label: 'locking', detail: 'Stopping Immich and locking the drive.' },
};

/** UNIT_WORDS says what a service is doing, as systemd's ActiveState reads to a person. */
export const UNIT_WORDS: Record<UnitStatus['state'], string> = {
  active: 'running',
  activating: 'starting',
  deactivating: 'stopping',
  inactive: 'stopped',
  failed: 'failed',
  unknown: 'unknown',
};

/** temperatureLevel sorts a CPU temperature: a Pi 4 throttles from 80 °C. */
export function temperatureLevel(celsius: number): 'ok' | 'warm' | 'hot' {
  if (celsius >= 80) return 'hot';
  if (celsius >= 70) return 'warm';
  return 'ok';
}

/** formatClock shows a time of today as "08:39", and of another day as "Dec 3, 08:39". */
export function formatClock(ms: number, now: number): string {
  const at = new Date(ms);
  const time = at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (at.toDateString() === new Date(now).toDateString()) return time;
  return `${at.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })}, ${time}`;
}
