// The Backups screen's chart: SVG drawn as Preact elements (no HTML strings, §12's CSP).
import { BACKUP_CHART_DAYS, type BackupChartPoint } from '../../../shared/backups.ts';
import { backupChart, BACKUP_CHART_SIZE as SIZE } from '../backups/chart.ts';
import { formatDate } from '../clock.ts';
import './Chart.css';

const SPAN = `${BACKUP_CHART_DAYS / 7} weeks`;

const formatDay = (ms: number) => formatDate(ms, { month: 'short', day: 'numeric' });

/** BackupChart draws bytes added (bars) over time taken (dots) per run, failed runs crossed. */
export function BackupChart(props: { points: readonly BackupChartPoint[]; now: number }) {
  const chart = backupChart(props.points, props.now, formatDay);
  const right = SIZE.width - SIZE.right;
  return (
    <section class="card" aria-labelledby="backup-chart-h">
      <h2 id="backup-chart-h">Last {SPAN}</h2>
      {chart === null ? (
        <p class="hint">No backups in the last {SPAN} yet.</p>
      ) : (
        <>
          <svg
            class="chart backup-chart"
            viewBox={`0 0 ${SIZE.width} ${SIZE.height}`}
            role="img"
            aria-labelledby="backup-chart-title"
            data-testid="backup-chart"
          >
            <title id="backup-chart-title">{chart.summary}</title>
            {[...chart.bytesTicks, ...chart.durationTicks].map((tick) => (
              <g key={`${tick.y}-${tick.label}`}>
                <line class="chart-grid" x1={SIZE.left} x2={right} y1={tick.y} y2={tick.y} />
                <text class="chart-label" x={SIZE.left - 4} y={tick.y + 3.5} text-anchor="end">
                  {tick.label}
                </text>
              </g>
            ))}
            {chart.dayTicks.map((tick) => (
              <text
                key={tick.x}
                class="chart-label"
                x={tick.x}
                y={SIZE.height - 6}
                text-anchor={tick.anchor}
              >
                {tick.label}
              </text>
            ))}
            {chart.marks.map((mark) =>
              mark.bar ? (
                <rect
                  key={`b${mark.at}`}
                  class={`bc-bar is-${mark.kind}`}
                  x={mark.x - chart.barWidth / 2}
                  y={mark.bar.y}
                  width={chart.barWidth}
                  height={Math.max(mark.bar.height, 0.5)}
                />
              ) : null,
            )}
            {chart.marks
              .filter((mark) => mark.kind === 'failed')
              .map((mark) => {
                const y = SIZE.bytes.bottom - 5;
                return (
                  <path
                    key={`f${mark.at}`}
                    class="bc-failed"
                    d={`M${mark.x - 3} ${y - 3}L${mark.x + 3} ${y + 3}M${mark.x - 3} ${y + 3}L${mark.x + 3} ${y - 3}`}
                  />
                );
              })}
            <path class="bc-line" d={chart.durationLine} />
            {chart.marks.map((mark) =>
              mark.dotY === null ? null : (
                <circle
                  key={`d${mark.at}`}
                  class={`bc-dot is-${mark.kind}`}
                  cx={mark.x}
                  cy={mark.dotY}
                  r={2.5}
                />
              ),
            )}
          </svg>
          <p class="hint bc-legend" aria-hidden="true">
            <span class="bc-key bc-key-bar" /> added <span class="bc-key bc-key-dot" /> time taken{' '}
            <span class="bc-key-failed">×</span> failed
          </p>
        </>
      )}
    </section>
  );
}
