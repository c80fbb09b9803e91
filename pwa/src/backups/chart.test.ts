import { describe, expect, it } from 'vitest';
import { BACKUP_CHART_DAYS, type BackupChartPoint } from '../../../shared/backups.ts';
import { backupChart, niceCeiling, BACKUP_CHART_SIZE as SIZE } from './chart.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 5, 1, 12, 0);
const day = (ms: number) => `d${new Date(ms).getUTCDate()}`;
const run = (daysAgo: number, extra: Partial<BackupChartPoint> = {}): BackupChartPoint => ({
  at: NOW - daysAgo * DAY,
  bytesAdded: 100_000_000,
  durationSeconds: 600,
  result: 'succeeded',
  ...extra,
});

describe('niceCeiling', () => {
  it.each([
    [0, 1],
    [1, 1],
    [1.2, 2],
    [3, 5],
    [7, 10],
    [420_000_000, 500_000_000],
    [1_000_000_000, 1_000_000_000],
  ])('%d rounds up to %d', (value, nice) => {
    expect(niceCeiling(value)).toBe(nice);
  });
});

describe('backupChart', () => {
  it('has nothing to draw without a run in the window', () => {
    expect(backupChart([], NOW, day)).toBeNull();
    expect(backupChart([run(BACKUP_CHART_DAYS + 1)], NOW, day)).toBeNull();
  });

  it('places runs in time across the plot, bars up from the baseline, dots by duration', () => {
    const chart = backupChart(
      [run(0, { bytesAdded: 500_000_000, durationSeconds: 1800 }), run(BACKUP_CHART_DAYS)],
      NOW,
      day,
    );
    if (!chart) throw new Error('no chart');
    const [oldest, newest] = chart.marks;
    expect(oldest?.x).toBe(SIZE.left);
    expect(newest?.x).toBe(SIZE.width - SIZE.right);
    // The biggest run fills the bytes panel; one fifth of it fills a fifth.
    expect(newest?.bar).toEqual({ y: SIZE.bytes.top, height: SIZE.bytes.bottom - SIZE.bytes.top });
    expect(oldest?.bar?.height).toBeCloseTo((SIZE.bytes.bottom - SIZE.bytes.top) / 5, 0);
    expect(newest?.dotY).toBe(SIZE.duration.top);
    expect(oldest?.dotY).toBeCloseTo((SIZE.duration.top + 2 * SIZE.duration.bottom) / 3, 0);
    expect(chart.bytesTicks.map((t) => t.label)).toEqual(['0 B', '250 MB', '500 MB']);
    expect(chart.durationTicks.map((t) => t.label)).toEqual(['0 s', '30 min']);
    expect(chart.durationLine).toMatch(/^M\S+ \S+L\S+ \S+$/);
  });

  it('marks failed runs, draws no bar or dot for what is unknown, and keeps time order', () => {
    const chart = backupChart(
      [
        run(1, { result: 'failed', bytesAdded: null, durationSeconds: 12 }),
        run(3, { result: 'partial' }),
        run(2, { result: 'unknown', bytesAdded: null, durationSeconds: null }),
        run(4, { result: 'interrupted', bytesAdded: null }),
      ],
      NOW,
      day,
    );
    if (!chart) throw new Error('no chart');
    expect(chart.marks.map((m) => m.kind)).toEqual(['failed', 'partial', 'unknown', 'failed']);
    expect(chart.marks.map((m) => m.bar === null)).toEqual([true, false, true, true]);
    expect(chart.marks[2]?.dotY).toBeNull();
    const xs = chart.marks.map((m) => m.x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
  });

  it('labels every second week back from today, the last one kept inside the edge', () => {
    const chart = backupChart([run(1)], NOW, day);
    const ticks = chart?.dayTicks ?? [];
    expect(ticks.map((t) => t.label)).toEqual([day(NOW - 28 * DAY), day(NOW - 14 * DAY), 'today']);
    expect(ticks.at(-1)?.anchor).toBe('end');
    expect(ticks.every((t) => t.x > SIZE.left)).toBe(true);
  });

  it('says the chart in words for a screen reader', () => {
    const chart = backupChart(
      [
        run(3, { bytesAdded: 2_000_000, durationSeconds: 90 }),
        run(2, { bytesAdded: 1_500_000_000, durationSeconds: 3720 }),
        run(1, { result: 'failed', bytesAdded: null, durationSeconds: 5 }),
      ],
      NOW,
      day,
    );
    expect(chart?.summary).toBe(
      'Backups over the last 6 weeks: 3 runs, 1 failed. Added 2.0 MB to 1.5 GB per run. Took 5 s to 1 h 2 min.',
    );
  });
});
