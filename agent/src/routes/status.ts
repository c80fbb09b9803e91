// GET /api/v1/status: the one-glance state of the Pi, with the asking device's push health.
import { Hono } from 'hono';
import type { StatusResponse } from '../../../shared/status.ts';
import type { Deps } from '../deps.ts';
import type { AppEnv } from './env.ts';

/** statusRoutes answers the latest sample of drive, temperature, power, disks, uptime, alerts and backups. */
export function statusRoutes(deps: Pick<Deps, 'status' | 'alerts' | 'backups'>) {
  return new Hono<AppEnv>().get('/', async (c) => {
    const status = await deps.status.current();
    return c.json({
      ...status,
      alerts: deps.alerts.activeFor(c.get('deviceId')),
      push: deps.alerts.health(c.get('deviceId')),
      backup: deps.backups.summary(),
      // Every device is an admin until roles land (issue 12).
      access: { role: 'admin', adminNames: [] },
    } satisfies StatusResponse);
  });
}
