// What the admin socket can do: mint a pairing code, list devices, revoke one.
import type { AdminRequest } from '../adapters/admin-socket.ts';
import type { Deps } from '../deps.ts';
import { COMMAND_LINE, mintPairingCode, revokeDevice } from './device-admin.ts';

export interface PairingCodeForCli {
  code: string;
  expiresAt: number;
  url: string;
  fingerprint: string;
}

/** adminCommands answers the CLI's requests on behalf of the person logged in to the Pi. */
export function adminCommands(
  deps: Pick<Deps, 'pairing' | 'devices' | 'audit' | 'clock' | 'config' | 'fingerprint'>,
) {
  return async function runAdminCommand(request: AdminRequest): Promise<unknown> {
    switch (request.cmd) {
      case 'pair': {
        const { code, expiresAt } = await mintPairingCode(deps, request.name, COMMAND_LINE);
        return {
          code,
          expiresAt,
          url: deps.config.publicUrl,
          fingerprint: deps.fingerprint,
        } satisfies PairingCodeForCli;
      }
      case 'devices':
        return deps.devices.list();
      case 'revoke': {
        const device = await revokeDevice(deps, request.id, COMMAND_LINE);
        return { revoked: device.id };
      }
    }
  };
}
