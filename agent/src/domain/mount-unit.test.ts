import { describe, expect, it } from 'vitest';
import { escapeSystemdPath, mountUnitFor } from './mount-unit.ts';

describe('mountUnitFor', () => {
  // Expected names are what `systemd-escape --path --suffix=mount` (systemd 252) prints.
  it.each([
    ['/mnt/immich_drive', 'mnt-immich_drive.mount'],
    ['/', '-.mount'],
    ['//mnt//a/', 'mnt-a.mount'],
    ['/mnt/./x', 'mnt-x.mount'],
    ['/mnt/my drive', 'mnt-my\\x20drive.mount'],
    ['/media/.hidden/x', 'media-.hidden-x.mount'],
    ['/srv/foto-ü', 'srv-foto\\x2d\\xc3\\xbc.mount'],
    ['/a-b/c:d', 'a\\x2db-c:d.mount'],
    ['/mnt/a\\b', 'mnt-a\\x5cb.mount'],
  ])('names %s %s', (path, unit) => {
    expect(mountUnitFor(path)).toBe(unit);
  });

  it('escapes a leading dot, which would hide the unit file', () => {
    expect(escapeSystemdPath('/.snapshots')).toBe('\\x2esnapshots');
  });

  it('refuses relative paths and ".." components', () => {
    expect(() => mountUnitFor('mnt/immich_drive')).toThrow(TypeError);
    expect(() => mountUnitFor('/mnt/../etc')).toThrow(/\.\./);
  });
});
