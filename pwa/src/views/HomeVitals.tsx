// Home's temperature and power tiles. Their colour follows the active alert as well as the
// reading, so a banner and its tile never disagree: an alert clears only after a while of good
// readings (the agent's hysteresis), and until then the tile says it is recovering.
import type { AlertKind } from '../../../shared/alerts.ts';
import type { AppStatusResponse } from '../../../shared/status.ts';
import { formatTemperature, temperatureLevel } from '../format.ts';

type Vitals = Pick<AppStatusResponse, 'temperatureC' | 'undervoltage' | 'alerts'>;

const active = (status: Vitals, kind: AlertKind) =>
  status.alerts.some((alert) => alert.kind === kind);

/** TemperatureTile is red while the overheating alert stands, whatever the reading says. */
export function TemperatureTile({ status }: { status: Vitals }) {
  const c = status.temperatureC;
  const hot = active(status, 'temp-high');
  return (
    <section class="tile" aria-labelledby="temp-h">
      <h2 id="temp-h">Temperature</h2>
      {c === null ? (
        <p class="value muted">unknown</p>
      ) : (
        <p class={`value temp-${hot ? 'hot' : temperatureLevel(c)}`} data-testid="temperature">
          {formatTemperature(c)}
        </p>
      )}
      {hot && c !== null && temperatureLevel(c) !== 'hot' && (
        <p class="hint">Cooling down; the alert clears once it stays cool.</p>
      )}
    </section>
  );
}

/** PowerTile is amber, as its (non-critical) banner, while power is low or the alert stands. */
export function PowerTile({ status }: { status: Vitals }) {
  const low = status.undervoltage;
  const recovering = low === false && active(status, 'undervoltage');
  return (
    <section class="tile" aria-labelledby="power-h">
      <h2 id="power-h">Power</h2>
      <p class={`value${low || recovering ? ' temp-warm' : ''}`} data-testid="power">
        {low === null ? 'no sensor' : low ? 'under-voltage' : recovering ? 'OK now' : 'OK'}
      </p>
      {(low || recovering) && (
        <p class="hint">
          {recovering
            ? 'It was too low; the alert clears once power stays good.'
            : 'Use the official 5.1 V / 3 A power supply.'}
        </p>
      )}
    </section>
  );
}
