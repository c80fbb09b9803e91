// The device registry on a real state file: the roles migration, role changes, the first-admin
// and last-admin rules (also when two requests race), and keys that follow only durable writes.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../../../shared/roles.ts';
import { openStateFile, type StateFile, StateStoreError } from '../adapters/state-store/index.ts';
import { encodeStateFile } from '../adapters/state-store/load.ts';
import { LastAdminError } from '../errors.ts';
import { DeviceRegistry, DevicesState, emptyDevices } from './devices.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'devices-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const openDevices = () =>
  openStateFile({ dir, name: 'devices.json', schema: DevicesState, initial: emptyDevices });

const publicKey = () =>
  generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x ?? 'no key';

/** registryWith opens devices.json and pairs one device per role given, named by index. */
async function registryWith(...roles: Role[]) {
  const registry = new DeviceRegistry(await openDevices());
  for (const [i, role] of roles.entries())
    await registry.add({
      id: `device-${i}`,
      name: `Device ${i}`,
      publicKey: publicKey(),
      pairedAt: i,
      role,
    });
  return registry;
}

const rolesIn = (registry: DeviceRegistry) =>
  Object.fromEntries(registry.list().map((d) => [d.id, d.role]));

describe('DeviceRegistry roles', () => {
  it('loads a devices.json from before roles with every device as an admin, and saves the role', async () => {
    const before = {
      devices: [
        { id: 'old-phone', name: 'Old phone', publicKey: publicKey(), pairedAt: 1, lastSeenAt: 5 },
        { id: 'old-tablet', name: 'Old tablet', publicKey: publicKey(), pairedAt: 2 },
      ],
      revoked: [],
    };
    await writeFile(join(dir, 'devices.json'), encodeStateFile(before));
    const registry = new DeviceRegistry(await openDevices());
    expect(rolesIn(registry)).toEqual({ 'old-phone': 'admin', 'old-tablet': 'admin' });
    expect(registry.lookupKey('old-phone').state).toBe('active');

    await registry.rename('old-tablet', 'Kitchen tablet');
    const saved = JSON.parse(await readFile(join(dir, 'devices.json'), 'utf8'));
    expect(saved.data.devices.map((d: { role: string }) => d.role)).toEqual(['admin', 'admin']);
  });

  it('makes the first device an admin whatever its code said, and later ones what theirs said', async () => {
    const registry = await registryWith('viewer', 'viewer', 'admin');
    expect(rolesIn(registry)).toEqual({
      'device-0': 'admin',
      'device-1': 'viewer',
      'device-2': 'admin',
    });
    expect(registry.roleOf('device-1')).toBe('viewer');
    expect(registry.roleOf('never-paired')).toBeNull();
  });

  it('changes a role durably and tells listeners the role it had', async () => {
    const registry = await registryWith('admin', 'viewer');
    const heard: Array<[string, Role, Role]> = [];
    registry.listen({
      roleChanged: (device, previous) => heard.push([device.id, device.role, previous]),
    });

    expect((await registry.setRole('device-1', 'admin')).role).toBe('admin');
    expect(await registry.setRole('device-0', 'viewer')).toMatchObject({ role: 'viewer' });
    // The same role again changes nothing and is heard by no one.
    await registry.setRole('device-0', 'viewer');
    expect(heard).toEqual([
      ['device-1', 'admin', 'viewer'],
      ['device-0', 'viewer', 'admin'],
    ]);
    expect(rolesIn(new DeviceRegistry(await openDevices()))).toEqual({
      'device-0': 'viewer',
      'device-1': 'admin',
    });
  });

  it('refuses to demote or revoke the last admin, and leaves it as it was', async () => {
    const registry = await registryWith('admin', 'viewer');
    await expect(registry.setRole('device-0', 'viewer')).rejects.toBeInstanceOf(LastAdminError);
    await expect(registry.revoke('device-0', 10)).rejects.toBeInstanceOf(LastAdminError);
    expect(registry.roleOf('device-0')).toBe('admin');
    expect(registry.lookupKey('device-0').state).toBe('active');
    // A viewer may go, and the only device left, an admin, still may not.
    await registry.revoke('device-1', 11);
    await expect(registry.revoke('device-0', 12)).rejects.toBeInstanceOf(LastAdminError);
  });

  it.each([
    ['demote each other', (r: DeviceRegistry, id: string) => r.setRole(id, 'viewer')],
    ['revoke each other', (r: DeviceRegistry, id: string) => r.revoke(id, 10)],
    [
      'one demotes while the other revokes',
      (r: DeviceRegistry, id: string) =>
        id === 'device-1' ? r.setRole(id, 'viewer') : r.revoke(id, 10),
    ],
  ])('keeps one admin when the two admins %s at once', async (_, act) => {
    const registry = await registryWith('admin', 'admin', 'viewer');
    const outcomes = await Promise.allSettled([
      act(registry, 'device-1'),
      act(registry, 'device-0'),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = outcomes.find((o) => o.status === 'rejected');
    expect(refused?.reason).toBeInstanceOf(LastAdminError);
    const admins = (r: DeviceRegistry) => r.list().filter((d) => d.role === 'admin');
    expect(admins(registry)).toHaveLength(1);
    // On disk too: a restart finds the same one admin.
    expect(admins(new DeviceRegistry(await openDevices()))).toHaveLength(1);
  });

  it('keeps a key active when revoking it could not be written, and refuses it once it was', async () => {
    const file = await openDevices();
    let failWrites = false;
    const flaky: StateFile<DevicesState> = {
      get value() {
        return file.value;
      },
      update: (change) =>
        failWrites
          ? Promise.reject(
              new StateStoreError('write', join(dir, 'devices.json'), new Error('EIO')),
            )
          : file.update(change),
    };
    const registry = new DeviceRegistry(flaky);
    for (const id of ['phone', 'tablet'])
      await registry.add({ id, name: id, publicKey: publicKey(), pairedAt: 1, role: 'admin' });
    failWrites = true;
    await expect(registry.revoke('tablet', 2)).rejects.toBeInstanceOf(StateStoreError);
    expect(registry.lookupKey('tablet').state).toBe('active');
    failWrites = false;
    await registry.revoke('tablet', 3);
    expect(registry.lookupKey('tablet').state).toBe('revoked');
  });
});

describe('DeviceRegistry names', () => {
  it('names a paired device as it is now, a revoked one as it was, and no one else', async () => {
    const registry = await registryWith('admin', 'viewer');
    await registry.rename('device-1', 'Kitchen tablet');
    expect(registry.nameOf('device-1')).toBe('Kitchen tablet');
    await registry.revoke('device-1', 10);
    expect(registry.nameOf('device-1')).toBe('Kitchen tablet');
    expect(registry.nameOf('device-0')).toBe('Device 0');
    expect(registry.nameOf('never-paired')).toBeNull();
  });
});
