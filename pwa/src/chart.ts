// The temperature chart's geometry, apart from drawing: scales, paths, ticks and its spoken summary.
import type { TemperaturePoint } from '../../shared/status.ts';

const HOUR_MS = 3_600_000;
export const CHART_WINDOW_MS = 24 * HOUR_MS;

/** CHART_SIZE is the SVG's viewBox and the plot area inside it, leaving room for the labels. */
export const CHART_SIZE = { width: 340, height: 170, left: 34, right: 6, top: 8, bottom: 22 };

/** ChartGeometry is everything TemperatureChart draws, in viewBox units. */
export interface ChartGeometry {
  /** The min-max band, one closed shape per stretch without gaps. */
  band: string;
  /** The mean line. */
  mean: string;
  /** Where the overheating threshold's line goes. */
  thresholdY: number;
  yTicks: { y: number; label: string }[];
  xTicks: { x: number; label: string }[];
  /** For screen readers: the range and the latest reading. */
  summary: string;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const fixed = (n: number) => n.toFixed(1);

/** splitAtGaps cuts the series where samples are missing (the agent was down), so no line lies. */
function splitAtGaps(points: readonly TemperaturePoint[], bucketMs: number) {
  const runs: TemperaturePoint[][] = [];
  let previous: TemperaturePoint | null = null;
  for (const point of points) {
    if (!previous || point.at - previous.at > 3 * bucketMs) runs.push([]);
    runs.at(-1)?.push(point);
    previous = point;
  }
  return runs;
}

/**
 * temperatureChart lays out the last 24 h before the newest point: the y axis always reaches the
 * threshold, so the headroom shows; x labels fall on every sixth hour of the phone's clock.
 * Answers null for fewer than two points.
 */
export function temperatureChart(
  points: readonly TemperaturePoint[],
  bucketSeconds: number,
  thresholdC: number,
  formatHour: (ms: number) => string,
): ChartGeometry | null {
  const last = points.at(-1);
  if (!last || points.length < 2) return null;
  const { width, height, left, right, top, bottom } = CHART_SIZE;
  const end = last.at;
  const start = end - CHART_WINDOW_MS;
  const shown = points.filter((p) => p.at >= start);
  const low = Math.min(...shown.map((p) => p.minC));
  const high = Math.max(...shown.map((p) => p.maxC));
  const yMin = Math.floor((low - 5) / 10) * 10;
  const yMax = Math.max(Math.ceil((high + 5) / 10) * 10, thresholdC + 10);
  const x = (at: number) =>
    round1(left + ((at - start) / CHART_WINDOW_MS) * (width - left - right));
  const y = (c: number) => round1(top + ((yMax - c) / (yMax - yMin)) * (height - top - bottom));

  let band = '';
  let mean = '';
  for (const run of splitAtGaps(shown, bucketSeconds * 1000)) {
    const line = (pick: (p: TemperaturePoint) => number, list: TemperaturePoint[]) =>
      list.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.at)} ${y(pick(p))}`).join('');
    mean += line((p) => p.meanC, run);
    if (run.length > 1)
      band += `${line((p) => p.maxC, run)}${line((p) => p.minC, [...run].reverse()).replace(/^M/, 'L')}Z`;
  }

  const step = yMax - yMin > 60 ? 20 : 10;
  const yTicks = [];
  for (let c = yMin; c <= yMax; c += step) yTicks.push({ y: y(c), label: `${c}°` });
  const xTicks = [];
  for (let at = Math.ceil(start / HOUR_MS) * HOUR_MS; at <= end; at += HOUR_MS) {
    if (new Date(at).getHours() % 6 === 0) xTicks.push({ x: x(at), label: formatHour(at) });
  }
  const summary = `Temperature over the last 24 hours: lowest ${fixed(low)} °C, highest ${fixed(high)} °C, now ${fixed(last.meanC)} °C.`;
  return { band, mean, thresholdY: y(thresholdC), yTicks, xTicks, summary };
}
