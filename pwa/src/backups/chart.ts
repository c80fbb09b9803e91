// The backup chart's geometry, apart from drawing: bytes added as bars over duration as dots, one
// mark per run across the chart's days, failed runs marked, and the summary a screen reader says.
import { BACKUP_CHART_DAYS, type BackupChartPoint, goodResult } from '../../../shared/backups.ts';
import { formatBytes } from '../format.ts';
import { formatRunDuration } from './format.ts';

const DAY_MS = 86_400_000;

/** BACKUP_CHART_SIZE is the viewBox: a bytes panel above a duration panel, dates below both. */
export const BACKUP_CHART_SIZE = {
  width: 340,
  height: 188,
  left: 50,
  right: 8,
  bytes: { top: 8, bottom: 100 },
  duration: { top: 116, bottom: 164 },
} as const;

/** ChartMark is one run: its bar (none without bytes), dot (none without a duration), and kind. */
export interface ChartMark {
  /** The run's start (agent clock): unique, so it keys the mark. */
  at: number;
  x: number;
  bar: { y: number; height: number } | null;
  dotY: number | null;
  /** ok made a snapshot, failed did not (marked on the axis), unknown could not tell. */
  kind: 'ok' | 'partial' | 'failed' | 'unknown';
}

/** BackupChartGeometry is everything BackupChart draws, in viewBox units. */
export interface BackupChartGeometry {
  marks: ChartMark[];
  barWidth: number;
  /** The duration dots joined in time order. */
  durationLine: string;
  bytesTicks: { y: number; label: string }[];
  durationTicks: { y: number; label: string }[];
  /** Dates under the panels; the rightmost ends at the edge rather than overflow it. */
  dayTicks: { x: number; label: string; anchor: 'middle' | 'end' }[];
  summary: string;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** niceCeiling rounds up to 1, 2 or 5 times a power of ten, so the axis labels read cleanly. */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((m) => m * power >= value) ?? 10;
  return step * power;
}

// Steps a duration axis ends on: whole minutes and hours rather than 500 seconds.
const DURATION_STEPS = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400];

const markKind = (p: BackupChartPoint): ChartMark['kind'] =>
  p.result === 'unknown'
    ? 'unknown'
    : p.result === 'partial'
      ? 'partial'
      : goodResult(p.result)
        ? 'ok'
        : 'failed';

/**
 * backupChart lays out the runs of the chart's days before `now` (agent clock), in time order;
 * dates fall every second week back from today. Answers null when no run falls inside.
 */
export function backupChart(
  points: readonly BackupChartPoint[],
  now: number,
  formatDay: (ms: number) => string,
): BackupChartGeometry | null {
  const start = now - BACKUP_CHART_DAYS * DAY_MS;
  const shown = points.filter((p) => p.at >= start && p.at <= now).sort((a, b) => a.at - b.at);
  if (shown.length === 0) return null;
  const { width, left, right, bytes, duration } = BACKUP_CHART_SIZE;
  const plot = width - left - right;
  const x = (at: number) => round1(left + ((at - start) / (now - start)) * plot);
  const maxBytes = niceCeiling(Math.max(0, ...shown.map((p) => p.bytesAdded ?? 0)));
  const longest = Math.max(0, ...shown.map((p) => p.durationSeconds ?? 0));
  const maxSeconds = DURATION_STEPS.find((s) => s >= longest) ?? niceCeiling(longest);
  const yBytes = (b: number) => round1(bytes.bottom - (b / maxBytes) * (bytes.bottom - bytes.top));
  const yDuration = (s: number) =>
    round1(duration.bottom - (s / maxSeconds) * (duration.bottom - duration.top));

  const marks = shown.map((p): ChartMark => {
    const y = p.bytesAdded === null ? null : yBytes(p.bytesAdded);
    return {
      at: p.at,
      x: x(p.at),
      bar: y === null ? null : { y, height: round1(bytes.bottom - y) },
      dotY: p.durationSeconds === null ? null : yDuration(p.durationSeconds),
      kind: markKind(p),
    };
  });
  const durationLine = marks
    .filter((m) => m.dotY !== null)
    .map((m, i) => `${i === 0 ? 'M' : 'L'}${m.x} ${m.dotY}`)
    .join('');
  const dayTicks: BackupChartGeometry['dayTicks'] = [];
  // Every second week back from today; the chart's left edge is left to the value labels.
  for (let week = 0; week * 7 < BACKUP_CHART_DAYS; week += 2) {
    const at = now - week * 7 * DAY_MS;
    const today = week === 0;
    dayTicks.unshift({
      x: x(at),
      label: today ? 'today' : formatDay(at),
      anchor: today ? 'end' : 'middle',
    });
  }
  return {
    marks,
    barWidth: Math.max(2, round1((plot / BACKUP_CHART_DAYS) * 0.6)),
    durationLine,
    bytesTicks: [0, maxBytes / 2, maxBytes].map((b) => ({ y: yBytes(b), label: formatBytes(b) })),
    durationTicks: [0, maxSeconds].map((s) => ({ y: yDuration(s), label: formatRunDuration(s) })),
    dayTicks,
    summary: chartSummary(shown),
  };
}

/** chartSummary says the chart in a sentence: how many runs, how many failed, sizes and times. */
function chartSummary(shown: readonly BackupChartPoint[]): string {
  const failed = shown.filter((p) => markKind(p) === 'failed').length;
  const sizes = shown.flatMap((p) => (p.bytesAdded === null ? [] : [p.bytesAdded]));
  const times = shown.flatMap((p) => (p.durationSeconds === null ? [] : [p.durationSeconds]));
  const runs = `${shown.length} run${shown.length === 1 ? '' : 's'}`;
  let text = `Backups over the last ${BACKUP_CHART_DAYS / 7} weeks: ${runs}, ${failed} failed.`;
  if (sizes.length > 0)
    text += ` Added ${formatBytes(Math.min(...sizes))} to ${formatBytes(Math.max(...sizes))} per run.`;
  if (times.length > 0)
    text += ` Took ${formatRunDuration(Math.min(...times))} to ${formatRunDuration(Math.max(...times))}.`;
  return text;
}
