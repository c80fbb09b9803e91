// Managing the paired devices, the same whoever asks: a paired device over HTTP (routes/devices.ts)
// or the person logged in to the Pi over the admin socket (services/admin.ts). Each use case and
// the words of its audit entry are written here once.
import type { UpdateDeviceRequest } from '../../../shared/devices.ts';
import type { Role } from '../../../shared/roles.ts';
import type { Deps } from '../deps.ts';
import { RoleForbiddenError } from '../errors.ts';
import type { StoredDevice } from './devices.ts';

/** Actor is who asked: a paired device (by its id), or someone on the Pi's command line. */
export type Actor = { kind: 'device'; deviceId: string } | { kind: 'command-line' };

/** COMMAND_LINE is the actor of every admin socket request. */
export const COMMAND_LINE: Actor = { kind: 'command-line' };

/** deviceActor is the actor of a signed request from the device with this id. */
export const deviceActor = (deviceId: string): Actor => ({ kind: 'device', deviceId });

/** aRole is a role as the audit words it: "an admin", "a viewer". */
export const aRole = (role: Role): string => (role === 'admin' ? 'an admin' : 'a viewer');

type DeviceAdminDeps = Pick<Deps, 'pairing' | 'devices' | 'audit' | 'clock'>;

/** mintPairingCode opens a code for a device to come with this role, and records who made it. */
export async function mintPairingCode(
  deps: Pick<DeviceAdminDeps, 'pairing' | 'devices' | 'audit'>,
  request: { name?: string | undefined; role: Role },
  by: Actor,
): Promise<{ code: string; expiresAt: number; role: Role }> {
  const minted = deps.pairing.mint(request.name, request.role);
  const where = by.kind === 'command-line' ? 'on the command line' : `on “${nameOf(deps, by)}”`;
  const what = `A pairing code for ${aRole(minted.role)} was made ${where}.`;
  await deps.audit.record('pairing-code-created', what, idOf(by));
  return minted;
}

/**
 * updateDevice applies a PATCH: the role first (it may be refused: then nothing changed), then
 * the name.
 */
export async function updateDevice(
  deps: Pick<DeviceAdminDeps, 'devices' | 'audit'>,
  id: string,
  change: UpdateDeviceRequest,
  by: Actor,
): Promise<StoredDevice> {
  let device = deps.devices.get(id);
  if (change.role !== undefined) device = await changeRole(deps, id, change.role, by);
  if (change.name !== undefined) device = await renameDevice(deps, id, change.name, by);
  return device;
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

/**
 * changeRole makes a device an admin or a viewer. Only an admin (or the command line) may: the
 * route table lets a viewer PATCH itself, for its name, so the role is checked here. The last
 * admin stays one (LastAdminError from the registry).
 */
export async function changeRole(
  deps: Pick<DeviceAdminDeps, 'devices' | 'audit'>,
  id: string,
  role: Role,
  by: Actor,
): Promise<StoredDevice> {
  if (by.kind === 'device' && deps.devices.roleOf(by.deviceId) !== 'admin')
    throw new RoleForbiddenError('Only an admin device can change what a device may do.');
  const before = deps.devices.get(id);
  const device = await deps.devices.setRole(before.id, role);
  if (before.role === device.role) return device;
  const what = `“${device.name}” is now ${aRole(device.role)} (${byWhom(deps, by, id)}).`;
  await deps.audit.record('device-role-changed', what, idOf(by));
  return device;
}

/** revokeDevice removes a paired device (its key is refused from then on), and records who did. */
export async function revokeDevice(
  deps: DeviceAdminDeps,
  id: string,
  by: Actor,
): Promise<StoredDevice> {
  const device = await deps.devices.revoke(id, deps.clock.wall());
  const what = `“${device.name}” was revoked ${byWhom(deps, by, device.id)}.`;
  await deps.audit.record('device-revoked', what, idOf(by));
  return device;
}

/** byWhom words who changed device `id`: on the command line, by itself, or by “a name”. */
function byWhom(deps: Pick<Deps, 'devices'>, by: Actor, id: string): string {
  if (by.kind === 'command-line') return 'on the command line';
  return by.deviceId === id ? 'by itself' : `by “${nameOf(deps, by)}”`;
}

/** The asking device's name as the audit shows it. */
const nameOf = (deps: Pick<Deps, 'devices'>, by: Actor & { kind: 'device' }): string =>
  deps.devices.list().find((d) => d.id === by.deviceId)?.name ?? 'a device';

/** The audit entry's device: the asking device, none for the command line. */
const idOf = (by: Actor): string | null => (by.kind === 'device' ? by.deviceId : null);
