// Home's 24-hour temperature chart: SVG drawn as Preact elements (no HTML strings, §12's CSP).
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { TemperatureHistoryResponse } from '../../../shared/status.ts';
import { CHART_SIZE, temperatureChart } from '../chart.ts';
import { useStore } from '../store.ts';

const REFRESH_MS = 60_000;
/** A Pi 4 throttles from 80 °C; the temp-high alert uses the same line (ARCHITECTURE §10). */
const THRESHOLD_C = 80;

const formatHour = (ms: number) =>
  new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

/** TemperatureChart fetches the history every minute while visible and draws it. */
export function TemperatureChart() {
  const store = useStore();
  const [history, setHistory] = useState<TemperatureHistoryResponse | null>(null);
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
    history && temperatureChart(history.points, history.bucketSeconds, THRESHOLD_C, formatHour);
  return (
    <section class="tile wide" aria-labelledby="chart-h">
      <h2 id="chart-h">Temperature, last 24 hours</h2>
      {chart ? (
        <svg
          class="chart"
          viewBox={`0 0 ${CHART_SIZE.width} ${CHART_SIZE.height}`}
          role="img"
          aria-label={chart.summary}
          data-testid="temperature-chart"
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
        </svg>
      ) : (
        <p class="hint">
          {failed
            ? 'The temperature history could not be loaded.'
            : history
              ? 'Not enough samples yet: the chart fills in as the Pi runs.'
              : 'Loading…'}
        </p>
      )}
    </section>
  );
}
