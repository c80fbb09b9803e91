// The paired devices and their public keys, kept in devices.json; revocation is checked per request.
import type { KeyObject } from 'node:crypto';
import * as v from 'valibot';
import { fromBase64url } from '../../../shared/protocol/index.ts';
import { Role } from '../../../shared/roles.ts';
import type { StateFile } from '../adapters/state-store/index.ts';
import { publicKeyObject } from '../domain/signature.ts';
import { DeviceNotFoundError } from '../errors.ts';

export const DevicesState = v.object({
  devices: v.array(
    v.object({
      id: v.string(),
      name: v.string(),
      publicKey: v.string(),
      pairedAt: v.number(),
      lastSeenAt: v.optional(v.nullable(v.number()), null),
      // STAND-IN for the roles branch (i12-roles), which owns roles in devices.json: a device
      // saved without a role is an admin.
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

/** DeviceListener hears of pairings and revocations once they are durable (alerts, push). */
export interface DeviceListener {
  paired?(device: StoredDevice): void;
  revoked?(device: StoredDevice): void;
  /** STAND-IN (i12-roles fires it): a device's role changed from `previous`, durably. */
  roleChanged?(device: StoredDevice, previous: Role): void;
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

  /** listen adds a listener for pairings and revocations. */
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

  /** get returns one paired device or throws DeviceNotFoundError. */
  get(id: string): StoredDevice {
    const device = this.list().find((d) => d.id === id);
    if (!device) throw new DeviceNotFoundError();
    return device;
  }

  /** STAND-IN for the roles branch: roleOf answers a paired device's role, null when not paired. */
  roleOf(id: string): Role | null {
    return this.file.value.devices.find((d) => d.id === id)?.role ?? null;
  }

  /** touch notes that a device just made a verified request. */
  touch(id: string, at: number): void {
    this.lastSeen.set(id, at);
  }

  /** add pairs a device (a re-paired key replaces its old entry and leaves the revoked list). */
  async add(
    // STAND-IN: the roles branch makes pairing pass the code's role; until then an admin.
    device: Omit<StoredDevice, 'lastSeenAt' | 'role'> & { role?: Role },
  ): Promise<StoredDevice> {
    const stored = { ...device, role: device.role ?? 'admin', lastSeenAt: null };
    this.revokedIds.delete(device.id);
    this.cacheKey(stored);
    await this.change((state) => {
      state.devices = [...state.devices.filter((d) => d.id !== device.id), stored];
      state.revoked = state.revoked.filter((r) => r.id !== device.id);
    });
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

  /** revoke removes a device; its key is refused from the very next request. */
  async revoke(id: string, at: number): Promise<StoredDevice> {
    const device = this.get(id);
    this.keys.delete(id);
    this.revokedIds.add(id);
    await this.change((state) => {
      state.devices = state.devices.filter((d) => d.id !== id);
      state.revoked = [...state.revoked, { id, name: device.name, revokedAt: at }].slice(
        -MAX_REVOKED,
      );
    });
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
