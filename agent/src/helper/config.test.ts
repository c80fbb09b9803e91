// The helper config's cap units: the units whose CPU set-cpu-quota may cap, always among `units`.
import { describe, expect, it } from 'vitest';
import { allowedUnits, cappableUnits, parseHelperConfig } from './config.ts';

const BASE = {
  cryptsetup: '/bin/cryptsetup',
  systemctl: '/bin/systemctl',
  journalctl: '/bin/journalctl',
  device: '/dev/disk/by-uuid/0b5d1e4a-0000-4000-8000-000000000001',
  mountUnit: 'mnt-immich_drive.mount',
  stateDir: '/var/lib/immich-pi-helper',
};

describe('helper config capUnits', () => {
  it("defaults to Immich's server and machine learning, never Postgres or the mount", () => {
    const config = parseHelperConfig(BASE);
    expect(config.capUnits).toEqual(['immich-server.service', 'immich-machine-learning.service']);
    expect([...cappableUnits(config)].every((unit) => allowedUnits(config).has(unit))).toBe(true);
  });

  it('defaults to those of them that units names', () => {
    const units = ['postgresql.service', 'immich-server.service'];
    expect(parseHelperConfig({ ...BASE, units }).capUnits).toEqual(['immich-server.service']);
    expect(parseHelperConfig({ ...BASE, units: ['other.service'] }).capUnits).toEqual([]);
  });

  it('takes a list of units among units, the empty one included', () => {
    const units = ['postgresql.service', 'immich.service'];
    expect(parseHelperConfig({ ...BASE, units, capUnits: ['immich.service'] }).capUnits).toEqual([
      'immich.service',
    ]);
    expect(parseHelperConfig({ ...BASE, capUnits: [] }).capUnits).toEqual([]);
  });

  it.each([
    [
      'a unit outside units',
      ['sshd.service'],
      /^helper config capUnits: must name only units of units$/,
    ],
    ['the mount unit', ['mnt-immich_drive.mount'], /^helper config capUnits: must name only/],
    ['the backup unit', ['immich-backup.service'], /^helper config capUnits: must name only/],
    ['an option as a unit', ['--now'], /^helper config capUnits\.0: must be a unit name$/],
    ['a string, not a list', 'immich-server.service', /^helper config capUnits: /],
  ])('refuses %s', (_, capUnits, message) => {
    expect(() => parseHelperConfig({ ...BASE, capUnits })).toThrow(message);
  });
});

describe('helper config recovery fields', () => {
  it('defaults to the Pi: the verify unit, smartctl on the system path, the dumps on the drive, /sys and /dev', () => {
    expect(parseHelperConfig(BASE)).toMatchObject({
      verifyUnit: 'immich-pi-verify-backup.service',
      smartctl: '/run/current-system/sw/bin/smartctl',
      dumpsDir: '/mnt/immich_drive/immich_data/backups',
      sysRoot: '/sys',
      devRoot: '/dev',
    });
  });

  it.each([
    ['smartctl', 'smartctl'],
    ['dumpsDir', 'backups'],
    ['sysRoot', 'sys'],
    ['verifyUnit', '--now'],
  ])('refuses a relative or odd %s', (field, value) => {
    expect(() => parseHelperConfig({ ...BASE, [field]: value })).toThrow(
      `helper config ${field}: `,
    );
  });

  it('allows the verify unit to be stopped (a lock stops a running drill), but never capped', () => {
    const config = parseHelperConfig(BASE);
    expect(allowedUnits(config).has('immich-pi-verify-backup.service')).toBe(true);
    expect(cappableUnits(config).has('immich-pi-verify-backup.service')).toBe(false);
    const moved = parseHelperConfig({ ...BASE, verifyUnit: 'drill.service' });
    expect(allowedUnits(moved).has('drill.service')).toBe(true);
    expect(allowedUnits(moved).has('immich-pi-verify-backup.service')).toBe(false);
  });
});
