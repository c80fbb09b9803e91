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
      'Temperature over the last 24 hours: lowest 39.0 °C, highest 61.0 °C, now 60.0 °C.',
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
    expect(chart.mean.startsWith(`M${CHART_SIZE.left} `)).toBe(true);
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
});
