import { describe, expect, it } from 'vitest';
import type { TemperaturePoint } from '../../shared/status.ts';
import { CHART_SIZE, CHART_WINDOW_MS, temperatureChart } from './chart.ts';

const BUCKET_S = 300;
const END = Date.UTC(2025, 5, 1, 12, 0);
const hour = (ms: number) => `h${new Date(ms).getHours()}`;

/** A day of samples, one per bucket, warming from 40 to about 60 °C. */
function day(from = END - CHART_WINDOW_MS): TemperaturePoint[] {
  const points: TemperaturePoint[] = [];
  for (let at = from; at <= END; at += BUCKET_S * 1000) {
    const meanC = 40 + (20 * (at - from)) / (END - from);
    points.push({ at, minC: meanC - 1, maxC: meanC + 1, meanC });
  }
  return points;
}

describe('temperatureChart', () => {
  it('needs two points', () => {
    expect(temperatureChart([], BUCKET_S, 80, hour)).toBeNull();
    expect(temperatureChart(day().slice(0, 1), BUCKET_S, 80, hour)).toBeNull();
  });

  it('spans the day, reaches the threshold and says the range and the latest reading', () => {
    const chart = temperatureChart(day(), BUCKET_S, 80, hour);
    if (!chart) throw new Error('no chart');
    expect(chart.summary).toBe(
      // The bucket a whole day old falls out: the newest one is drawn to its end, now.
      'Temperature over the last 24 hours: lowest 39.1 °C, highest 61.0 °C, now 60.0 °C.',
    );
    // The y axis runs from 30 °C to 90 °C: the threshold line sits a sixth below the top.
    expect(chart.yTicks.map((t) => t.label)).toEqual([
      '30°',
      '40°',
      '50°',
      '60°',
      '70°',
      '80°',
      '90°',
    ]);
    const plot = CHART_SIZE.height - CHART_SIZE.top - CHART_SIZE.bottom;
    expect(chart.thresholdY).toBeCloseTo(CHART_SIZE.top + plot / 6, 0);
    // Each bucket sits at its middle; the oldest at the left edge's first half bucket.
    const halfBucket = ((CHART_SIZE.width - CHART_SIZE.left - CHART_SIZE.right) * 150) / 86_400;
    const firstX = Number(chart.mean.match(/^M([\d.]+) /)?.[1]);
    expect(firstX).toBeCloseTo(CHART_SIZE.left + halfBucket, 0);
    expect(chart.band.match(/Z/g)).toHaveLength(1);
  });

  it('labels every sixth hour of the phone clock', () => {
    const chart = temperatureChart(day(), BUCKET_S, 80, hour);
    const labels = chart?.xTicks.map((t) => t.label) ?? [];
    expect(labels.length).toBeGreaterThanOrEqual(4);
    for (const label of labels) expect(Number(label.slice(1)) % 6).toBe(0);
    const xs = chart?.xTicks.map((t) => t.x) ?? [];
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
  });

  it('breaks the lines where samples are missing and drops points older than a day', () => {
    const points = day(END - 2 * CHART_WINDOW_MS);
    const gapFrom = END - 6 * 3_600_000;
    const withGap = points.filter((p) => p.at < gapFrom || p.at > gapFrom + 3_600_000);
    const chart = temperatureChart(withGap, BUCKET_S, 80, hour);
    expect(chart?.mean.match(/M/g)).toHaveLength(2);
    expect(chart?.band.match(/Z/g)).toHaveLength(2);
    // Nothing is drawn left of the plot area.
    const xs = [...(chart?.mean ?? '').matchAll(/[ML]([\d.]+) /g)].map((m) => Number(m[1]));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(CHART_SIZE.left);
  });

  it('zooms to the hours held, so a fresh start is not a sliver at the right', () => {
    const chart = temperatureChart(day(END - 3 * 3_600_000), BUCKET_S, 80, hour);
    if (!chart) throw new Error('no chart');
    expect(chart.span).toBe('3 hours');
    expect(chart.summary).toMatch(/^Temperature over the last 3 hours: /);
    const firstX = Number(chart.mean.match(/^M([\d.]+) /)?.[1]);
    expect(firstX).toBeLessThan(CHART_SIZE.left + 5);
    // Short spans are labelled every hour.
    expect(chart.xTicks.length).toBeGreaterThanOrEqual(3);
  });

  it('carries the line to the reading the tile shows, at the right edge', () => {
    const chart = temperatureChart(day(), BUCKET_S, 80, hour, 72.5);
    if (!chart) throw new Error('no chart');
    expect(chart.end.x).toBe(CHART_SIZE.width - CHART_SIZE.right);
    expect(chart.mean.endsWith(`L${chart.end.x} ${chart.end.y}`)).toBe(true);
    const at70 = chart.yTicks.find((t) => t.label === '70°')?.y ?? 0;
    const at80 = chart.yTicks.find((t) => t.label === '80°')?.y ?? 0;
    expect(chart.end.y).toBeCloseTo(at70 + (at80 - at70) / 4, 0);
    expect(chart.summary).toMatch(/now 72\.5 °C\.$/);
  });

  it('answers one mark per bucket shown, left to right, for reading a value', () => {
    const points = day();
    const chart = temperatureChart(points, BUCKET_S, 80, hour);
    const marks = chart?.marks ?? [];
    expect(marks).toHaveLength(points.length - 1);
    expect(marks.at(-1)?.point).toEqual(points.at(-1));
    expect(marks.map((m) => m.x)).toEqual([...marks.map((m) => m.x)].sort((a, b) => a - b));
  });
});
