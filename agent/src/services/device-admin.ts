// Managing the paired devices, the same whoever asks: a paired device over HTTP (routes/devices.ts)
// or the person logged in to the Pi over the admin socket (services/admin.ts). Each use case and
// the words of its audit entry are written here once.
import type { Deps } from '../deps.ts';
import type { StoredDevice } from './devices.ts';

/** Actor is who asked: a paired device (by its id), or someone on the Pi's command line. */
export type Actor = { kind: 'device'; deviceId: string } | { kind: 'command-line' };

/** COMMAND_LINE is the actor of every admin socket request. */
export const COMMAND_LINE: Actor = { kind: 'command-line' };

/** deviceActor is the actor of a signed request from the device with this id. */
export const deviceActor = (deviceId: string): Actor => ({ kind: 'device', deviceId });

type DeviceAdminDeps = Pick<Deps, 'pairing' | 'devices' | 'audit' | 'clock'>;

/** mintPairingCode opens a code another device can pair with, and records who made it. */
export async function mintPairingCode(
  deps: Pick<DeviceAdminDeps, 'pairing' | 'devices' | 'audit'>,
  name: string | undefined,
  by: Actor,
): Promise<{ code: string; expiresAt: number }> {
  const { code, expiresAt } = deps.pairing.mint(name);
  const where = by.kind === 'command-line' ? 'on the command line' : `on “${nameOf(deps, by)}”`;
  await deps.audit.record('pairing-code-created', `A pairing code was made ${where}.`, idOf(by));
  return { code, expiresAt };
}

/** renameDevice gives a paired device a new name, and records the old and the new one. */
export async function renameDevice(
  deps: Pick<DeviceAdminDeps, 'devices' | 'audit'>,
  id: string,
  name: string,
  by: Actor,
): Promise<StoredDevice> {
  const before = deps.devices.get(id);
  const device = await deps.devices.rename(before.id, name);
  await deps.audit.record('device-renamed', `“${before.name}” was renamed “${name}”.`, idOf(by));
  return device;
}

/** revokeDevice removes a paired device (its key is refused from then on), and records who did. */
export async function revokeDevice(
  deps: DeviceAdminDeps,
  id: string,
  by: Actor,
): Promise<StoredDevice> {
  const device = await deps.devices.revoke(id, deps.clock.wall());
  const how =
    by.kind === 'command-line'
      ? 'on the command line'
      : device.id === by.deviceId
        ? 'by itself'
        : `by “${nameOf(deps, by)}”`;
  await deps.audit.record('device-revoked', `“${device.name}” was revoked ${how}.`, idOf(by));
  return device;
}

/** The asking device's name as the audit shows it. */
const nameOf = (deps: Pick<Deps, 'devices'>, by: Actor & { kind: 'device' }): string =>
  deps.devices.list().find((d) => d.id === by.deviceId)?.name ?? 'a device';

/** The audit entry's device: the asking device, none for the command line. */
const idOf = (by: Actor): string | null => (by.kind === 'device' ? by.deviceId : null);
