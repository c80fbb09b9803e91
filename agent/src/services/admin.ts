// What the admin socket can do: mint a pairing code, list devices, revoke one.
import type { AdminRequest } from '../adapters/admin-socket.ts';
import type { Deps } from '../deps.ts';

export interface PairingCodeForCli {
  code: string;
  expiresAt: number;
  url: string;
  fingerprint: string;
}

/** adminCommands answers the CLI's requests on behalf of the person logged in to the Pi. */
export function adminCommands(deps: Deps) {
  const { pairing, devices, audit, clock, config } = deps;
  return async function runAdminCommand(request: AdminRequest): Promise<unknown> {
    switch (request.cmd) {
      case 'pair': {
        const { code, expiresAt } = pairing.mint(request.name);
        await audit.record('pairing-code-created', 'A pairing code was made on the command line.');
        return {
          code,
          expiresAt,
          url: config.publicUrl,
          fingerprint: deps.fingerprint,
        } satisfies PairingCodeForCli;
      }
      case 'devices':
        return devices.list();
      case 'revoke': {
        const device = await devices.revoke(request.id, clock.wall());
        await audit.record('device-revoked', `“${device.name}” was revoked on the command line.`);
        return { revoked: device.id };
      }
    }
  };
}
