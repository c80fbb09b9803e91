import { describe, expect, it } from 'vitest';
import type { Device } from '../../../shared/devices.ts';
import type { Role } from '../../../shared/roles.ts';
import { accessOf } from '../access.ts';
import {
  deviceActions,
  mayAddDevices,
  roleChangeWords,
  roleLine,
  roleWithArticle,
} from './device-roles.ts';

const ME = 'my-key-id';

const accessAs = (role: Role) => accessOf({ access: { role, adminNames: [] } }, ME);

const device = (id: string, role: Role): Device => ({
  id,
  name: id,
  role,
  pairedAt: 0,
  lastSeenAt: null,
  current: id === ME,
});

describe('deviceActions', () => {
  it('offers an admin everything on every device, and the other role', () => {
    const admin = accessAs('admin');
    expect(deviceActions(admin, device('tablet', 'viewer'))).toEqual({
      rename: true,
      revoke: true,
      newRole: 'admin',
    });
    expect(deviceActions(admin, device('laptop', 'admin'))).toEqual({
      rename: true,
      revoke: true,
      newRole: 'viewer',
    });
    // Its own role too: the agent keeps the last admin (409 last-admin), the app says why.
    expect(deviceActions(admin, device(ME, 'admin')).newRole).toBe('viewer');
  });

  it('offers a viewer Rename and Revoke for itself only, and never a role change', () => {
    const viewer = accessAs('viewer');
    expect(deviceActions(viewer, device(ME, 'viewer'))).toEqual({
      rename: true,
      revoke: true,
      newRole: null,
    });
    expect(deviceActions(viewer, device('laptop', 'admin'))).toEqual({
      rename: false,
      revoke: false,
      newRole: null,
    });
  });
});

describe('mayAddDevices', () => {
  it('is for admins only', () => {
    expect(mayAddDevices(accessAs('admin'))).toBe(true);
    expect(mayAddDevices(accessAs('viewer'))).toBe(false);
  });
});

describe('role words', () => {
  it('names a role in a sentence and says what it may do', () => {
    expect(roleWithArticle('viewer')).toBe('a Viewer');
    expect(roleWithArticle('admin')).toBe('an Admin');
    expect(roleLine('viewer')).toBe('Family: can see status, backups and alerts');
    expect(roleLine('admin')).toMatch(/^Can unlock and lock the drive/);
  });

  it('says what a change takes away or gives', () => {
    expect(roleChangeWords('viewer', true)).toMatch(/^This device will see .* no longer unlock/);
    expect(roleChangeWords('admin', false)).toMatch(/^It will also unlock/);
  });
});
