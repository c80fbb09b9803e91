// Roles on the Devices and Pair screens: what this device may do to each one, and the roles in words.
import { ROUTES } from '../../../shared/api.ts';
import type { Device } from '../../../shared/devices.ts';
import { ROLE_WORDS, type Role } from '../../../shared/roles.ts';
import type { Access } from '../access.ts';

/** NEW_DEVICE_ROLES is the order of the choice for a new device: the least privilege first, chosen. */
export const NEW_DEVICE_ROLES: readonly Role[] = ['viewer', 'admin'];

/** DeviceActions says which of a listed device's actions this device is offered. */
export interface DeviceActions {
  rename: boolean;
  revoke: boolean;
  /** The role this device may give it instead of its own, null when it may not change roles. */
  newRole: Role | null;
}

/**
 * deviceActions asks shared/roles.ts what this device may do to one in the list. A role in the
 * PATCH body is for admins only (UpdateDeviceRequest), a rule about the body that the route table
 * cannot say, so the role is asked for that one.
 */
export function deviceActions(access: Access, device: Device): DeviceActions {
  const path = ROUTES.device(device.id);
  const rename = access.may('PATCH', path);
  return {
    rename,
    revoke: access.may('DELETE', path),
    newRole: rename && access.role === 'admin' ? otherRole(device.role) : null,
  };
}

function otherRole(role: Role): Role {
  return role === 'admin' ? 'viewer' : 'admin';
}

/** mayAddDevices tells whether this device may make pairing codes (admins only). */
export function mayAddDevices(access: Access): boolean {
  return access.may('POST', ROUTES.pairingCodes);
}

/** roleLine is what a role may do, as a line under its name: "Family: can see status, …". */
export function roleLine(role: Role): string {
  const can = ROLE_WORDS[role].can;
  return can.charAt(0).toUpperCase() + can.slice(1);
}

/** roleWithArticle names a role as in a sentence: "a Viewer", "an Admin". */
export function roleWithArticle(role: Role): string {
  const name = ROLE_WORDS[role].name;
  return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
}

/** roleChangeWords says what a role change will do, for the question before it. */
export function roleChangeWords(to: Role, itself: boolean): string {
  const who = itself ? 'This device' : 'It';
  return to === 'viewer'
    ? `${who} will see status, backups and alerts, but no longer unlock, lock, back up now, or pair and remove devices.`
    : `${who} will also unlock and lock the drive, back up now, pair and remove devices, and read the activity log.`;
}
