// GET /api/v1/status: the one-glance state of the Pi.
import { Hono } from 'hono';
import type { AppEnv, RouteDeps } from '../app.ts';

/** statusRoutes answers the latest sample of drive, temperature, power, disks and uptime. */
export function statusRoutes(deps: RouteDeps) {
  return new Hono<AppEnv>().get('/', async (c) => c.json(await deps.status.current()));
}
