// Home's 24-hour temperature chart: SVG drawn as Preact elements (no HTML strings, §12's CSP).
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { TemperatureHistoryResponse } from '../../../shared/status.ts';
import { CHART_SIZE, temperatureChart } from '../chart.ts';
import { formatDate, TIME } from '../clock.ts';
import { useStore } from '../store.ts';
import './Chart.css';

const REFRESH_MS = 60_000;
/** A Pi 4 throttles from 80 °C; the temp-high alert uses the same line (ARCHITECTURE §10). */
const THRESHOLD_C = 80;

const formatHour = (ms: number) => formatDate(ms, TIME);

const fixed = (c: number) => c.toFixed(1);

/**
 * TemperatureChart fetches the history every minute while visible and draws it, its line ending
 * at `currentC`, the reading Home's tile shows. A tap, a drag or the arrow keys read one bucket.
 */
export function TemperatureChart({ currentC }: { currentC: number | null }) {
  const store = useStore();
  const [history, setHistory] = useState<TemperatureHistoryResponse | null>(null);
  // The bucket read, by its start time: a refresh shifts the list, not what the person picked.
  const [pickedAt, setPickedAt] = useState<number | null>(null);
  const svg = useRef<SVGSVGElement>(null);
  const [failed, setFailed] = useState(false);
  const refresh = useCallback(async () => {
    try {
      setHistory(await store.api.temperatureHistory());
      setFailed(false);
    } catch (error) {
      store.noteFailure(error);
      setFailed(true);
    }
  }, [store]);
  // Not usePolling: see monitoring.ts.
  useEffect(() => {
    refresh();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') refresh();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  const chart =
    history &&
    temperatureChart(history.points, history.bucketSeconds, THRESHOLD_C, formatHour, currentC);
  const marks = chart?.marks ?? [];
  const found = marks.findIndex((m) => m.point.at === pickedAt);
  const picked = found === -1 ? null : found;
  const mark = picked === null ? null : (marks[picked] ?? null);
  const choose = (index: number) => setPickedAt(marks[index]?.point.at ?? null);
  const readout = mark
    ? `${formatHour(mark.point.at)}: ${fixed(mark.point.meanC)} °C on average, ${fixed(mark.point.minC)} to ${fixed(mark.point.maxC)} °C`
    : 'Tap the chart to read a time.';
  /** pick reads the bucket nearest the pointer, in viewBox units. */
  const pick = (event: PointerEvent) => {
    const box = svg.current?.getBoundingClientRect();
    if (!box || box.width === 0 || marks.length === 0) return;
    const x = ((event.clientX - box.left) / box.width) * CHART_SIZE.width;
    let best = 0;
    marks.forEach((m, i) => {
      if (Math.abs(m.x - x) < Math.abs((marks[best]?.x ?? 0) - x)) best = i;
    });
    choose(best);
  };
  const onKey = (event: KeyboardEvent) => {
    const step = { ArrowLeft: -1, ArrowRight: 1, Home: -marks.length, End: marks.length }[
      event.key
    ];
    if (step === undefined || marks.length === 0) return;
    event.preventDefault();
    const from = picked ?? marks.length - 1;
    choose(Math.max(0, Math.min(marks.length - 1, from + step)));
  };
  return (
    <section class="tile wide" aria-labelledby="chart-h">
      <h2 id="chart-h">Temperature, last {chart?.span ?? '24 hours'}</h2>
      {chart ? (
        <div
          class="chart"
          role="slider"
          aria-label={`${chart.summary} Tap the chart or use the arrow keys to read a time.`}
          aria-valuemin={0}
          aria-valuemax={Math.max(0, marks.length - 1)}
          aria-valuenow={picked ?? Math.max(0, marks.length - 1)}
          aria-valuetext={readout}
          data-testid="temperature-chart"
          tabIndex={0}
          onPointerDown={pick}
          onPointerMove={(event) => event.buttons !== 0 && pick(event)}
          onKeyDown={onKey}
        >
          <svg
            ref={svg}
            viewBox={`0 0 ${CHART_SIZE.width} ${CHART_SIZE.height}`}
            aria-hidden="true"
          >
            {chart.yTicks.map((tick) => (
              <g key={tick.label}>
                <line
                  class="chart-grid"
                  x1={CHART_SIZE.left}
                  x2={CHART_SIZE.width - CHART_SIZE.right}
                  y1={tick.y}
                  y2={tick.y}
                />
                <text class="chart-label" x={CHART_SIZE.left - 4} y={tick.y + 4} text-anchor="end">
                  {tick.label}
                </text>
              </g>
            ))}
            {chart.xTicks.map((tick) => (
              <text
                key={tick.x}
                class="chart-label"
                x={tick.x}
                y={CHART_SIZE.height - 6}
                text-anchor="middle"
              >
                {tick.label}
              </text>
            ))}
            <path class="chart-band" d={chart.band} />
            <path class="chart-mean" d={chart.mean} />
            <line
              class="chart-threshold"
              x1={CHART_SIZE.left}
              x2={CHART_SIZE.width - CHART_SIZE.right}
              y1={chart.thresholdY}
              y2={chart.thresholdY}
            />
            <text
              class="chart-label chart-threshold-label"
              x={CHART_SIZE.width - CHART_SIZE.right - 2}
              y={chart.thresholdY - 4}
              text-anchor="end"
            >
              slows down at {THRESHOLD_C} °C
            </text>
            <circle class="chart-now" cx={chart.end.x} cy={chart.end.y} r={3.5} />
            {mark && (
              <g class="chart-pick">
                <line
                  x1={mark.x}
                  x2={mark.x}
                  y1={CHART_SIZE.top}
                  y2={CHART_SIZE.height - CHART_SIZE.bottom}
                />
                <circle cx={mark.x} cy={mark.y} r={4} />
              </g>
            )}
          </svg>
        </div>
      ) : (
        <p class="hint">
          {failed
            ? 'The temperature history could not be loaded.'
            : history
              ? 'Not enough samples yet: the chart fills in as the Pi runs.'
              : 'Loading…'}
        </p>
      )}
      {chart && (
        <p class="chart-readout" aria-live="polite" data-testid="chart-readout">
          {readout}
        </p>
      )}
    </section>
  );
}
