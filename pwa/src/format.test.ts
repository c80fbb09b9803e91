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
