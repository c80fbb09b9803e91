// /api/v1/devices: list, rename and revoke paired devices, and mint a code to pair another.
import { Hono } from 'hono';
import {
  type Device,
  type DeviceResponse,
  type DevicesResponse,
  RenameDeviceRequest,
  type RevokeResponse,
} from '../../../shared/devices.ts';
import { PairingCodeRequest, type PairingCodeResponse } from '../../../shared/pairing.ts';
import type { Deps } from '../deps.ts';
import type { StoredDevice } from '../services/devices.ts';
import type { AppEnv } from './env.ts';
import { parseJsonBody } from './json-body.ts';

const toDevice = (d: StoredDevice, currentId: string): Device => ({
  id: d.id,
  name: d.name,
  pairedAt: d.pairedAt,
  lastSeenAt: d.lastSeenAt ?? null,
  current: d.id === currentId,
});

/** deviceRoutes manages the paired devices on behalf of one of them. */
export function deviceRoutes(
  deps: Pick<Deps, 'devices' | 'audit' | 'pairing' | 'clock' | 'fingerprint'>,
) {
  const { devices, audit, pairing, clock } = deps;
  const nameOf = (id: string) => devices.list().find((d) => d.id === id)?.name ?? 'a device';

  return new Hono<AppEnv>()
    .get('/', (c) => {
      const me = c.get('deviceId');
      return c.json({
        devices: devices.list().map((d) => toDevice(d, me)),
      } satisfies DevicesResponse);
    })
    .post('/pairing-codes', async (c) => {
      const me = c.get('deviceId');
      const body = parseJsonBody(c.get('body'), c.req.header('content-type'), PairingCodeRequest, {
        optional: true,
      });
      const { code, expiresAt } = pairing.mint(body.name);
      await audit.record('pairing-code-created', `A pairing code was made on “${nameOf(me)}”.`, me);
      return c.json(
        { code, expiresAt, fingerprint: deps.fingerprint } satisfies PairingCodeResponse,
        201,
      );
    })
    .patch('/:id', async (c) => {
      const me = c.get('deviceId');
      const { name } = parseJsonBody(
        c.get('body'),
        c.req.header('content-type'),
        RenameDeviceRequest,
      );
      const before = devices.get(c.req.param('id'));
      const device = await devices.rename(before.id, name);
      await audit.record('device-renamed', `“${before.name}” was renamed “${name}”.`, me);
      return c.json({ device: toDevice(device, me) } satisfies DeviceResponse);
    })
    .delete('/:id', async (c) => {
      const me = c.get('deviceId');
      const device = await devices.revoke(c.req.param('id'), clock.wall());
      const by = device.id === me ? 'itself' : `“${nameOf(me)}”`;
      await audit.record('device-revoked', `“${device.name}” was revoked by ${by}.`, me);
      return c.json({ revoked: device.id } satisfies RevokeResponse);
    });
}
