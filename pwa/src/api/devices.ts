// The Devices and Activity screens' calls (ARCHITECTURE §6, §14): signed and validated like every
// other call, and loaded with those screens (api.ts imports this file on first use), outside the first load.
import { ROUTES } from '../../../shared/api.ts';
import { AuditResponse } from '../../../shared/audit.ts';
import {
  DeviceResponse,
  DevicesResponse,
  RevokeResponse,
  UpdateDeviceRequest,
} from '../../../shared/devices.ts';
import { PairingCodeRequest, PairingCodeResponse } from '../../../shared/pairing.ts';
import type { Role } from '../../../shared/roles.ts';
import { checked } from './errors.ts';
import { type Page, pageQuery, type Signed } from './signed.ts';

/** deviceCalls builds the device list, rename, role, revoke, pairing-code and audit calls. */
export function deviceCalls(from: { signed: Signed }) {
  const { signed } = from;
  // async, so a body the schema refuses is a rejected promise like any other failure.
  const update = async (id: string, body: UpdateDeviceRequest) =>
    signed('PATCH', ROUTES.device(id), DeviceResponse, '', checked(UpdateDeviceRequest, body));
  return {
    devices: () => signed('GET', ROUTES.devices, DevicesResponse),
    renameDevice: (id: string, name: string) => update(id, { name }),
    /** changeRole makes a device an admin or a viewer (admins only; 409 `last-admin` for the last). */
    changeRole: (id: string, role: Role) => update(id, { role }),
    revokeDevice: (id: string) => signed('DELETE', ROUTES.device(id), RevokeResponse),
    /** createPairingCode makes a one-time code for a device to come, in the role it will have. */
    createPairingCode: async (code: { role: Role; name?: string }) =>
      signed(
        'POST',
        ROUTES.pairingCodes,
        PairingCodeResponse,
        '',
        checked(PairingCodeRequest, code),
      ),
    audit: (page: Page = {}) => signed('GET', ROUTES.audit, AuditResponse, pageQuery(page)),
  };
}

/** DeviceCalls is what `api.deviceCalls()` answers. */
export type DeviceCalls = ReturnType<typeof deviceCalls>;
