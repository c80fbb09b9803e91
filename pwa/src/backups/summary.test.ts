import { describe, expect, it } from 'vitest';
import type { BackupSummary } from '../../../shared/backups.ts';
import { backupNeedsCare, formatNextRun, nextRunWords } from './summary.ts';

const SUMMARY: BackupSummary = {
  lastGoodAt: null,
  lastGoodSnapshotId: null,
  lastResult: null,
  nextAt: null,
  running: null,
  stale: false,
  snapshots: null,
  demo: false,
  recoveryIssue: null,
};
// Local dates, so "today" and "tomorrow" hold in whatever zone the tests run.
const NOW = new Date(2025, 4, 12, 14, 30).getTime();
const at = (day: number, hour: number) => new Date(2025, 4, day, hour, 0).getTime();

describe('formatNextRun', () => {
  it('says today and tomorrow on the phone’s calendar, with the time', () => {
    expect(formatNextRun(at(12, 23), NOW)).toMatch(/^today \S/);
    expect(formatNextRun(at(13, 3), NOW)).toMatch(/^tomorrow \S/);
    // Past midnight by a minute is tomorrow, not "in 9 hours".
    expect(formatNextRun(new Date(2025, 4, 13, 0, 1).getTime(), NOW)).toMatch(/^tomorrow/);
  });

  it('names a later day by itself, and a due run as due', () => {
    const later = formatNextRun(at(15, 3), NOW);
    expect(later).not.toMatch(/today|tomorrow/);
    expect(later.length).toBeGreaterThan(3);
    expect(formatNextRun(NOW - 60_000, NOW)).toBe('due now');
    expect(formatNextRun(NOW, NOW)).toBe('due now');
  });
});

describe('nextRunWords', () => {
  it('says the next run, or that none is scheduled', () => {
    expect(nextRunWords({ ...SUMMARY, nextAt: at(13, 3) }, NOW)).toMatch(/^Next run tomorrow /);
    expect(nextRunWords(SUMMARY, NOW)).toBe('No backup scheduled');
  });
});

describe('backupNeedsCare', () => {
  it('wants a look when stale or when the last run failed, not after a partial one', () => {
    expect(backupNeedsCare(SUMMARY)).toBe(false);
    expect(backupNeedsCare({ ...SUMMARY, stale: true })).toBe(true);
    expect(backupNeedsCare({ ...SUMMARY, lastResult: 'failed' })).toBe(true);
    expect(backupNeedsCare({ ...SUMMARY, lastResult: 'partial' })).toBe(false);
  });
});
