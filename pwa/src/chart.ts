// The temperature chart's geometry, apart from drawing: scales, paths, ticks and its spoken summary.
import type { TemperaturePoint } from '../../shared/status.ts';

const HOUR_MS = 3_600_000;
export const CHART_WINDOW_MS = 24 * HOUR_MS;

/** CHART_SIZE is the SVG's viewBox and the plot area inside it, leaving room for the labels. */
export const CHART_SIZE = { width: 340, height: 180, left: 36, right: 8, top: 10, bottom: 26 };
/** The shortest span drawn: fewer hours held are not stretched wider than this. */
const MIN_SPAN_MS = HOUR_MS;

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
  /** The newest reading, where the line ends (the tile's value). */
  end: { x: number; y: number };
  /** One per bucket, for a tap or an arrow key to read: where it is drawn and its values. */
  marks: { x: number; y: number; point: TemperaturePoint }[];
  /** For screen readers: the range and the latest reading. */
  summary: string;
  /** The span shown, in words ("24 hours", "3 hours"). */
  span: string;
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
 * temperatureChart lays out the hours held, 24 at most, up to now: each bucket drawn at its middle
 * and the line carried on to `currentC` (the tile's reading) at the open bucket's end. The y axis
 * always reaches the threshold, so the headroom shows; x labels fall on whole hours of the
 * phone's clock, fewer as the span grows. Answers null for fewer than two points.
 */
export function temperatureChart(
  points: readonly TemperaturePoint[],
  bucketSeconds: number,
  thresholdC: number,
  formatHour: (ms: number) => string,
  currentC: number | null = null,
): ChartGeometry | null {
  const last = points.at(-1);
  if (!last || points.length < 2) return null;
  const { width, height, left, right, top, bottom } = CHART_SIZE;
  const bucketMs = bucketSeconds * 1000;
  const end = last.at + bucketMs;
  const shown = points.filter((p) => p.at >= end - CHART_WINDOW_MS);
  const first = shown[0] ?? last;
  const start = Math.min(Math.max(first.at, end - CHART_WINDOW_MS), end - MIN_SPAN_MS);
  const nowC = currentC ?? last.meanC;
  const low = Math.min(nowC, ...shown.map((p) => p.minC));
  const high = Math.max(nowC, ...shown.map((p) => p.maxC));
  const yMin = Math.floor((low - 5) / 10) * 10;
  const yMax = Math.max(Math.ceil((high + 5) / 10) * 10, thresholdC + 10);
  const x = (at: number) => round1(left + ((at - start) / (end - start)) * (width - left - right));
  const y = (c: number) => round1(top + ((yMax - c) / (yMax - yMin)) * (height - top - bottom));
  const mid = (p: TemperaturePoint) => x(p.at + bucketMs / 2);

  let band = '';
  let mean = '';
  const runs = splitAtGaps(shown, bucketMs);
  for (const run of runs) {
    const line = (pick: (p: TemperaturePoint) => number, list: TemperaturePoint[]) =>
      list.map((p, i) => `${i === 0 ? 'M' : 'L'}${mid(p)} ${y(pick(p))}`).join('');
    mean += line((p) => p.meanC, run);
    if (run.length > 1)
      band += `${line((p) => p.maxC, run)}${line((p) => p.minC, [...run].reverse()).replace(/^M/, 'L')}Z`;
  }
  const endPoint = { x: x(end), y: y(nowC) };
  mean += `L${endPoint.x} ${endPoint.y}`;

  const step = yMax - yMin > 60 ? 20 : 10;
  const yTicks = [];
  for (let c = yMin; c <= yMax; c += step) yTicks.push({ y: y(c), label: `${c}°` });
  const spanHours = Math.round((end - start) / HOUR_MS);
  const every = spanHours <= 4 ? 1 : spanHours <= 12 ? 3 : 6;
  const xTicks = [];
  for (let at = Math.ceil(start / HOUR_MS) * HOUR_MS; at <= end; at += HOUR_MS) {
    if (new Date(at).getHours() % every === 0) xTicks.push({ x: x(at), label: formatHour(at) });
  }
  const span = spanHours <= 1 ? 'hour' : `${spanHours} hours`;
  const marks = shown.map((point) => ({ x: mid(point), y: y(point.meanC), point }));
  const summary = `Temperature over the last ${span}: lowest ${fixed(low)} °C, highest ${fixed(high)} °C, now ${fixed(nowC)} °C.`;
  return {
    band,
    mean,
    thresholdY: y(thresholdC),
    yTicks,
    xTicks,
    end: endPoint,
    marks,
    summary,
    span,
  };
}
