// /api/v1/alerts: active and past alerts, snoozing one; /api/v1/history: Home's temperature chart.
import { Hono } from 'hono';
import { type AlertsResponse, SnoozeRequest, type SnoozeResponse } from '../../../shared/alerts.ts';
import type { TemperatureHistoryResponse } from '../../../shared/status.ts';
import type { Deps } from '../deps.ts';
import { BUCKET_SECONDS } from '../services/alerts/temperature-history.ts';
import type { AppEnv } from './env.ts';
import { parseJsonBody } from './json-body.ts';

/** alertRoutes lists the asking device's alerts and snoozes one for it (per device, issue 12). */
export function alertRoutes(deps: Pick<Deps, 'alerts'>) {
  const { alerts } = deps;
  return new Hono<AppEnv>()
    .get('/', (c) => c.json(alerts.listFor(c.get('deviceId')) satisfies AlertsResponse))
    .post('/:id/snooze', (c) => {
      const { minutes } = parseJsonBody(c.get('body'), c.req.header('content-type'), SnoozeRequest);
      const alert = alerts.snooze(c.req.param('id'), c.get('deviceId'), minutes);
      return c.json({ alert } satisfies SnoozeResponse);
    });
}

/** historyRoutes answers the last 24 hours of temperature in 5-minute buckets. */
export function historyRoutes(deps: Pick<Deps, 'temperatureHistory' | 'clock'>) {
  return new Hono<AppEnv>().get('/temperature', (c) =>
    c.json({
      bucketSeconds: BUCKET_SECONDS,
      points: deps.temperatureHistory.points(deps.clock.wall()),
    } satisfies TemperatureHistoryResponse),
  );
}
