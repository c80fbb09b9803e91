import { describe, expect, it } from 'vitest';
import { formatWhen } from './when.ts';

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
