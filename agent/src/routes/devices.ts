// /api/v1/devices: list, rename and revoke paired devices, and mint a code to pair another.
import { Hono } from 'hono';
import {
  type Device,
  type DeviceResponse,
  type DevicesResponse,
  type RevokeResponse,
  UpdateDeviceRequest,
} from '../../../shared/devices.ts';
import { PairingCodeRequest, type PairingCodeResponse } from '../../../shared/pairing.ts';
import { pairingLink } from '../../../shared/pairing-link.ts';
import type { Deps } from '../deps.ts';
import {
  deviceActor,
  mintPairingCode,
  revokeDevice,
  updateDevice,
} from '../services/device-admin.ts';
import type { StoredDevice } from '../services/devices.ts';
import type { AppEnv } from './env.ts';
import { parseJsonBody } from './json-body.ts';

const toDevice = (d: StoredDevice, currentId: string): Device => ({
  id: d.id,
  name: d.name,
  pairedAt: d.pairedAt,
  lastSeenAt: d.lastSeenAt ?? null,
  role: d.role,
  current: d.id === currentId,
});

/** deviceRoutes manages the paired devices on behalf of one of them. */
export function deviceRoutes(
  deps: Pick<Deps, 'devices' | 'audit' | 'pairing' | 'clock' | 'fingerprint' | 'config'>,
) {
  const { devices } = deps;
  return new Hono<AppEnv>()
    .get('/', (c) => {
      const me = c.get('deviceId');
      return c.json({
        devices: devices.list().map((d) => toDevice(d, me)),
      } satisfies DevicesResponse);
    })
    .post('/pairing-codes', async (c) => {
      const body = parseJsonBody(c.get('body'), c.req.header('content-type'), PairingCodeRequest, {
        optional: true,
      });
      const { code, expiresAt, role } = await mintPairingCode(
        deps,
        body,
        deviceActor(c.get('deviceId')),
      );
      return c.json(
        {
          code,
          expiresAt,
          fingerprint: deps.fingerprint,
          role,
          link: pairingLink(deps.config.publicUrl, code),
        } satisfies PairingCodeResponse,
        201,
      );
    })
    .patch('/:id', async (c) => {
      const me = c.get('deviceId');
      const change = parseJsonBody(
        c.get('body'),
        c.req.header('content-type'),
        UpdateDeviceRequest,
      );
      const device = await updateDevice(deps, c.req.param('id'), change, deviceActor(me));
      return c.json({ device: toDevice(device, me) } satisfies DeviceResponse);
    })
    .delete('/:id', async (c) => {
      const device = await revokeDevice(deps, c.req.param('id'), deviceActor(c.get('deviceId')));
      return c.json({ revoked: device.id } satisfies RevokeResponse);
    });
}
