import { describe, expect, it } from 'vitest';
import { DRIVE_STATES, UNIT_STATES } from '../../shared/status.ts';
import {
  DRIVE_WORDS,
  formatAge,
  formatBytes,
  formatClock,
  formatTemperature,
  formatUptime,
  formatWait,
  formatWhen,
  temperatureLevel,
  UNIT_WORDS,
} from './format.ts';

describe('formatAge', () => {
  it.each([
    [0, 'just now'],
    [-5000, 'just now'],
    [9_999, 'just now'],
    [10_000, '10 seconds ago'],
    [60_000, '1 minute ago'],
    [125_000, '2 minutes ago'],
    [3_600_000, '1 hour ago'],
    [7_199_000, '1 hour ago'],
    [3 * 86_400_000, '3 days ago'],
  ])('%i ms is "%s"', (ms, words) => {
    expect(formatAge(ms)).toBe(words);
  });
});

describe('formatUptime', () => {
  it.each([
    [5, 'less than a minute'],
    [60, '1 minute'],
    [3 * 3600 + 12 * 60, '3 hours, 12 minutes'],
    [7200, '2 hours'],
    [86_400 + 3600, '1 day, 1 hour'],
    [10 * 86_400 + 59, '10 days'],
  ])('%i s is "%s"', (seconds, words) => {
    expect(formatUptime(seconds)).toBe(words);
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1500, '1.5 kB'],
    [31_914_983_424, '31.9 GB'],
    [931_500_000_000, '932 GB'],
    [4e12, '4.0 TB'],
  ])('%i bytes is "%s"', (bytes, words) => {
    expect(formatBytes(bytes)).toBe(words);
  });
});

describe('temperatures', () => {
  it('shows one decimal and sorts by the Pi 4 throttling points', () => {
    expect(formatTemperature(63.2)).toBe('63.2 °C');
    expect(formatTemperature(45)).toBe('45.0 °C');
    expect([69.9, 70, 79.9, 80].map(temperatureLevel)).toEqual(['ok', 'warm', 'warm', 'hot']);
  });
});

describe('DRIVE_WORDS', () => {
  it('names every drive state the agent can report, by its own name', () => {
    for (const state of DRIVE_STATES) expect(DRIVE_WORDS[state].label).toBe(state);
  });
});

describe('formatWait', () => {
  it.each([
    [0, '1 second'],
    [1, '1 second'],
    [45, '45 seconds'],
    [59.2, '1 minute'],
    [60, '1 minute'],
    [61, '2 minutes'],
    [690, '12 minutes'],
    [900, '15 minutes'],
    [7200, '2 hours'],
  ])('%s s is %s', (seconds, words) => {
    expect(formatWait(seconds)).toBe(words);
  });
});

describe('UNIT_WORDS', () => {
  it('has words for every unit state', () => {
    expect(Object.keys(UNIT_WORDS).sort()).toEqual([...UNIT_STATES].sort());
  });
});

describe('formatClock', () => {
  const now = new Date(2026, 11, 5, 15, 30).getTime();
  it('shows only the time for today', () => {
    const words = formatClock(new Date(2026, 11, 5, 8, 39).getTime(), now);
    expect(words).toMatch(/0?8.39/);
    expect(words).not.toMatch(/Dec|,/);
  });
  it('adds the day for another day', () => {
    const words = formatClock(new Date(2026, 11, 3, 8, 39).getTime(), now);
    expect(words).toMatch(/^(Dec 3|3 Dec), 0?8.39/);
  });
});

describe('formatWhen', () => {
  const now = new Date(2026, 11, 5, 15, 30).getTime();
  const at = (day: number, hour: number, minute: number) =>
    new Date(2026, 11, day, hour, minute).getTime();
  it('counts minutes within the hour', () => {
    expect(formatWhen(now - 20_000, now)).toBe('just now');
    expect(formatWhen(now - 2 * 60_000 - 5000, now)).toBe('2 min ago');
    expect(formatWhen(now - 59 * 60_000, now)).toBe('59 min ago');
  });
  it('names today and yesterday, then the date', () => {
    expect(formatWhen(at(5, 7, 4), now)).toMatch(/^Today 0?7.04/);
    expect(formatWhen(at(4, 21, 10), now)).toMatch(/^Yesterday (21.10|0?9.10\sPM)$/);
    expect(formatWhen(at(3, 7, 4), now)).toMatch(/^(Dec 3|3 Dec), 0?7.04/);
  });
  it('says the time of a moment ahead of this clock, never "ago"', () => {
    expect(formatWhen(now + 90_000, now)).toMatch(/^Today (15.31|0?3.31\sPM)$/);
  });
});

describe('formatWhen in a pinned zone', () => {
  // 24-hour English and Berlin, whatever the machine running the tests uses.
  const zone = { locale: 'en-US-u-hc-h23', timeZone: 'Europe/Berlin' };
  const now = Date.UTC(2026, 11, 5, 14, 30); // 15:30 in Berlin
  it.each([
    [now - 59_000, 'just now'],
    [now + 30_000, 'just now'],
    [now - 60_000, '1 min ago'],
    [now - 2 * 60_000 - 5000, '2 min ago'],
    [now - 3_600_000, 'Today 14:30'],
    [Date.UTC(2026, 11, 5, 6, 4), 'Today 07:04'],
    [Date.UTC(2026, 11, 4, 23, 10), 'Today 00:10'],
    [Date.UTC(2026, 11, 4, 20, 10), 'Yesterday 21:10'],
    [Date.UTC(2026, 11, 3, 23, 30), 'Yesterday 00:30'],
    [Date.UTC(2026, 11, 3, 6, 4), 'Dec 3, 07:04'],
    [Date.UTC(2025, 11, 31, 6, 4), 'Dec 31, 2025, 07:04'],
  ])('%i is "%s"', (ms, words) => {
    expect(formatWhen(ms, now, zone)).toBe(words);
  });

  it('counts yesterday on the calendar across a change of clocks', () => {
    // Berlin left summer time on 2026-10-25: that day had 25 hours.
    const monday = Date.UTC(2026, 9, 26, 11, 0); // 12:00 CET
    expect(formatWhen(Date.UTC(2026, 9, 24, 22, 30), monday, zone)).toBe('Yesterday 00:30');
    expect(formatWhen(Date.UTC(2026, 9, 24, 21, 30), monday, zone)).toBe('Oct 24, 23:30');
  });
});
