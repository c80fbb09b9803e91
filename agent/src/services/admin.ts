// What the admin socket can do: mint a pairing code, list devices, change a role, revoke one.

import { pairingLink } from '../../../shared/pairing-link.ts';
import type { Role } from '../../../shared/roles.ts';
import type { AdminRequest } from '../adapters/admin-socket.ts';
import type { Deps } from '../deps.ts';
import { COMMAND_LINE, changeRole, mintPairingCode, revokeDevice } from './device-admin.ts';

export interface PairingCodeForCli {
  code: string;
  expiresAt: number;
  /** The app's URL (config `publicUrl`). */
  url: string;
  /** The app's pair screen with this code filled in: what the CLI prints and shows as a QR code. */
  link: string;
  fingerprint: string;
  /** What the device that pairs with the code may do (the first device is an admin anyway). */
  role: Role;
}

/** adminCommands answers the CLI's requests on behalf of the person logged in to the Pi. */
export function adminCommands(
  deps: Pick<Deps, 'pairing' | 'devices' | 'audit' | 'clock' | 'config' | 'fingerprint'>,
) {
  return async function runAdminCommand(request: AdminRequest): Promise<unknown> {
    switch (request.cmd) {
      case 'pair': {
        const { code, expiresAt, role } = await mintPairingCode(deps, request, COMMAND_LINE);
        return {
          code,
          expiresAt,
          url: deps.config.publicUrl,
          link: pairingLink(deps.config.publicUrl, code),
          fingerprint: deps.fingerprint,
          role,
        } satisfies PairingCodeForCli;
      }
      case 'devices':
        return deps.devices.list();
      case 'role':
        return changeRole(deps, request.id, request.role, COMMAND_LINE);
      case 'revoke': {
        const device = await revokeDevice(deps, request.id, COMMAND_LINE);
        return { revoked: device.id };
      }
    }
  };
}
