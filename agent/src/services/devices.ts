// The paired devices, their public keys and roles, kept in devices.json; revocation is checked
// per request.
import type { KeyObject } from 'node:crypto';
import * as v from 'valibot';
import { fromBase64url } from '../../../shared/protocol/index.ts';
import { Role } from '../../../shared/roles.ts';
import type { StateFile } from '../adapters/state-store/index.ts';
import { publicKeyObject } from '../domain/signature.ts';
import { DeviceNotFoundError, LastAdminError } from '../errors.ts';

export const DevicesState = v.object({
  devices: v.array(
    v.object({
      id: v.string(),
      name: v.string(),
      publicKey: v.string(),
      pairedAt: v.number(),
      lastSeenAt: v.optional(v.nullable(v.number()), null),
      /**
       * What the device may do (ARCHITECTURE §14). The state migration of roles: a devices.json
       * written before roles has none, and every device it names could do everything, so it
       * loads as an admin (and is saved with its role on the next write).
       */
      role: v.optional(Role, 'admin'),
    }),
  ),
  revoked: v.array(v.object({ id: v.string(), name: v.string(), revokedAt: v.number() })),
});
export type DevicesState = v.InferOutput<typeof DevicesState>;
export type StoredDevice = DevicesState['devices'][number];

/** emptyDevices is the state of an agent nothing has paired with yet. */
export const emptyDevices = (): DevicesState => ({ devices: [], revoked: [] });

const MAX_REVOKED = 1000;

export type KeyLookup =
  | { state: 'active'; key: KeyObject }
  | { state: 'revoked' }
  | { state: 'unknown' };

/** DeviceListener hears of pairings, role changes and revocations once durable (alerts, push). */
export interface DeviceListener {
  paired?(device: StoredDevice): void;
  roleChanged?(device: StoredDevice, previous: Role): void;
  revoked?(device: StoredDevice): void;
}

/** DeviceRegistry answers "who signed this?" from memory and writes every change durably. */
export class DeviceRegistry {
  private readonly listeners: DeviceListener[] = [];
  private readonly keys = new Map<string, KeyObject>();
  private readonly revokedIds = new Set<string>();
  // Last-seen times change on every request, so they live in memory and ride along other writes.
  private readonly lastSeen = new Map<string, number>();

  constructor(private readonly file: StateFile<DevicesState>) {
    for (const device of file.value.devices) this.cacheKey(device);
    for (const gone of file.value.revoked) this.revokedIds.add(gone.id);
  }

  /** listen adds a listener for pairings, role changes and revocations. */
  listen(listener: DeviceListener): void {
    this.listeners.push(listener);
  }

  /** lookupKey finds the verification key for a keyid, or says why there is none. */
  lookupKey(keyid: string): KeyLookup {
    const key = this.keys.get(keyid);
    if (key) return { state: 'active', key };
    return this.revokedIds.has(keyid) ? { state: 'revoked' } : { state: 'unknown' };
  }

  /** list returns the paired devices with their latest last-seen times. */
  list(): StoredDevice[] {
    return this.file.value.devices.map((d) => ({
      ...d,
      lastSeenAt: this.lastSeen.get(d.id) ?? d.lastSeenAt ?? null,
    }));
  }

  /** nameOf is a device's name, a revoked one's as it was when revoked, or null if never seen. */
  nameOf(id: string): string | null {
    const { devices, revoked } = this.file.value;
    return (devices.find((d) => d.id === id) ?? revoked.findLast((r) => r.id === id))?.name ?? null;
  }

  /** get returns one paired device or throws DeviceNotFoundError. */
  get(id: string): StoredDevice {
    const device = this.list().find((d) => d.id === id);
    if (!device) throw new DeviceNotFoundError();
    return device;
  }

  /** touch notes that a device just made a verified request. */
  touch(id: string, at: number): void {
    this.lastSeen.set(id, at);
  }

  /**
   * add pairs a device (a re-paired key replaces its old entry and leaves the revoked list). The
   * first device is an admin whatever its code said, and so is any device that would otherwise
   * leave the agent without one: decided inside the write, so two first pairings cannot both
   * miss it. Its key is accepted once the pairing is durable.
   */
  async add(device: Omit<StoredDevice, 'lastSeenAt'>): Promise<StoredDevice> {
    let stored: StoredDevice = { ...device, lastSeenAt: null };
    await this.change((state) => {
      const others = state.devices.filter((d) => d.id !== device.id);
      const role = others.some((d) => d.role === 'admin') ? device.role : 'admin';
      stored = { ...stored, role };
      state.devices = [...others, stored];
      state.revoked = state.revoked.filter((r) => r.id !== device.id);
    });
    this.revokedIds.delete(device.id);
    this.cacheKey(stored);
    for (const listener of this.listeners) listener.paired?.(stored);
    return stored;
  }

  /** rename gives a paired device a new name. */
  async rename(id: string, name: string): Promise<StoredDevice> {
    this.get(id);
    await this.change((state) => {
      state.devices = state.devices.map((d) => (d.id === id ? { ...d, name } : d));
    });
    return this.get(id);
  }

  /** roleOf is what a paired device may do, or null for a key that is not paired (any more). */
  roleOf(id: string): Role | null {
    return this.file.value.devices.find((d) => d.id === id)?.role ?? null;
  }

  /**
   * setRole makes a paired device an admin or a viewer. It throws LastAdminError when that would
   * demote the last admin, checked inside the one serialized write: of two admins demoting each
   * other at once, the second edit sees the first and is refused.
   */
  async setRole(id: string, role: Role): Promise<StoredDevice> {
    const previous = this.get(id).role;
    if (previous === role) return this.get(id);
    await this.change((state) => {
      const device = state.devices.find((d) => d.id === id);
      if (!device) throw new DeviceNotFoundError();
      if (role !== 'admin') refuseLastAdmin(state, id);
      state.devices = state.devices.map((d) => (d.id === id ? { ...d, role } : d));
    });
    const device = this.get(id);
    for (const listener of this.listeners) listener.roleChanged?.(device, previous);
    return device;
  }

  /**
   * revoke removes a device; its key is refused from the first request after the removal is
   * durable (a failed write leaves it paired, in memory as on disk). The last admin cannot be
   * revoked (LastAdminError), checked inside the same write as setRole's.
   */
  async revoke(id: string, at: number): Promise<StoredDevice> {
    let device = this.get(id);
    await this.change((state) => {
      const found = state.devices.find((d) => d.id === id);
      if (!found) throw new DeviceNotFoundError();
      refuseLastAdmin(state, id);
      device = found;
      state.devices = state.devices.filter((d) => d.id !== id);
      state.revoked = [...state.revoked, { id, name: found.name, revokedAt: at }].slice(
        -MAX_REVOKED,
      );
    });
    this.keys.delete(id);
    this.revokedIds.add(id);
    for (const listener of this.listeners) listener.revoked?.(device);
    return device;
  }

  /** change edits a copy of the newest state (with the last-seen times kept in memory) and saves it. */
  private change(edit: (state: DevicesState) => void): Promise<void> {
    return this.file.update((latest) => {
      const state: DevicesState = {
        devices: latest.devices.map((d) => ({
          ...d,
          lastSeenAt: this.lastSeen.get(d.id) ?? d.lastSeenAt,
        })),
        revoked: [...latest.revoked],
      };
      edit(state);
      return state;
    });
  }

  private cacheKey(device: StoredDevice): void {
    const raw = fromBase64url(device.publicKey);
    if (raw?.length === 32) this.keys.set(device.id, publicKeyObject(raw));
  }
}

/** refuseLastAdmin throws LastAdminError when `id` is an admin and no other device is one. */
function refuseLastAdmin(state: DevicesState, id: string): void {
  const target = state.devices.find((d) => d.id === id);
  if (target?.role !== 'admin') return;
  if (!state.devices.some((d) => d.id !== id && d.role === 'admin')) throw new LastAdminError();
}
