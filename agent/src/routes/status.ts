// GET /api/v1/status: the one-glance state of the Pi, with the asking device's push health and role.
import { Hono } from 'hono';
import type { StatusResponse } from '../../../shared/status.ts';
import type { Deps } from '../deps.ts';
import type { AppEnv } from './env.ts';

/** statusRoutes answers the latest sample of drive, temperature, power, disks, uptime, alerts, backups and Immich. */
export function statusRoutes(
  deps: Pick<Deps, 'config' | 'status' | 'alerts' | 'backups' | 'devices' | 'immich' | 'recovery'>,
) {
  const immichWebUrl = immichWebUrlFor(deps.config.publicUrl, deps.config.immichUrl);
  return new Hono<AppEnv>().get('/', async (c) => {
    const status = await deps.status.current();
    const me = c.get('deviceId');
    const admins = deps.devices.list().filter((d) => d.role === 'admin');
    return c.json({
      ...status,
      drive: { ...status.drive, health: deps.recovery.health() },
      alerts: deps.alerts.activeFor(me),
      push: deps.alerts.health(me),
      backup: { ...deps.backups.summary(), recoveryIssue: deps.recovery.issue() },
      immich: deps.immich.status(),
      immichWebUrl,
      // What this device may do, and whom a viewer asks to unlock (no role only when it was
      // revoked since the roles middleware let it in: then the lesser one).
      access: { role: deps.devices.roleOf(me) ?? 'viewer', adminNames: admins.map((d) => d.name) },
    } satisfies StatusResponse);
  });
}

/**
 * immichWebUrlFor answers where a phone on the tailnet opens Immich's web app: the Pi's own
 * tailnet name (the agent's public URL) on Immich's port, over http as the seed serves it
 * (`http://<Pi>:2283`). Null when the public URL is the placeholder of an unset config.
 */
export function immichWebUrlFor(publicUrl: string, immichUrl: string): string | null {
  const host = new URL(publicUrl).hostname;
  if (host.endsWith('.invalid')) return null;
  const port = new URL(immichUrl).port || '2283';
  return `http://${host}:${port}/`; // an IPv6 hostname keeps its brackets
}
