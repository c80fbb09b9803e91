// The system reader against fake sysfs, /proc and /dev files written into a temp root.
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostPaths } from '../paths.ts';
import type { FsUsage } from '../ports.ts';
import { readText } from './files.ts';
import { createSystemReader } from './system.ts';

const THROTTLED = 'sys/devices/platform/soc/soc:firmware/get_throttled';

const UUID = '0b2c7c1e-5d2a-4c4e-9a51-3f6f2f0d9e11';
const ROOT_LINE = '22 1 179:2 / / rw,noatime shared:1 - ext4 /dev/mmcblk0p2 rw';
const driveLine = (point: string, options = 'rw,relatime', superOptions = 'rw') =>
  `45 22 254:0 / ${point} ${options} shared:30 - ext4 /dev/mapper/immich_drive ${superOptions}`;

let root: string;
let statCalls: string[];

function put(path: string, text: string) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

function reader(mountPoint = '/mnt/immich_drive') {
  const paths = hostPaths(root, { uuid: UUID, mapperName: 'immich_drive', mountPoint });
  const usage: Record<string, FsUsage> = {
    [root]: { totalBytes: 1000, usedBytes: 300, availableBytes: 600 },
    [paths.driveMountPath]: { totalBytes: 4000, usedBytes: 3333, availableBytes: 667 },
  };
  const statFs = async (path: string) => {
    statCalls.push(path);
    return usage[path] ?? null;
  };
  return createSystemReader({ paths, readText, statFs });
}

function openMapper(withSlave: boolean) {
  put('dev/mapper/immich_drive', '');
  put('sys/block/dm-0/dm/name', 'other\n');
  put('sys/block/dm-1/dm/name', 'immich_drive\n');
  mkdirSync(join(root, 'sys/block/dm-1/slaves'), { recursive: true });
  if (withSlave) put('sys/block/dm-1/slaves/sda1', '');
  put('sys/block/dm-0/slaves/sdb1', '');
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'system-'));
  statCalls = [];
  put('sys/class/thermal/thermal_zone0/temp', '48549\n');
  put('sys/class/hwmon/hwmon0/name', 'cpu_thermal\n');
  put('sys/class/hwmon/hwmon1/name', 'rpi_volt\n');
  put('sys/class/hwmon/hwmon1/in0_lcrit_alarm', '0\n');
  put(THROTTLED, '0x0\n');
  put('proc/uptime', '3605.71 7000.12\n');
  put('proc/sys/kernel/random/boot_id', 'f1e2d3c4-0000-4000-8000-000000000001\n');
  put('proc/self/mountinfo', `${ROOT_LINE}\n`);
  put('drive.img', '');
  mkdirSync(join(root, 'dev/disk/by-uuid'), { recursive: true });
  symlinkSync('../../../drive.img', join(root, 'dev/disk/by-uuid', UUID));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('createSystemReader sensors', () => {
  it('reads temperature, under-voltage, uptime and boot id', async () => {
    const sample = await reader().sample();
    expect(sample.temperatureC).toBe(48.5);
    expect(sample.undervoltage).toBe(false);
    expect(sample.uptimeSeconds).toBe(3605);
    expect(sample.bootId).toBe('f1e2d3c4-0000-4000-8000-000000000001');
  });

  it('reads the firmware throttle flags: throttled now or the soft limit, not past events', async () => {
    const system = reader();
    expect((await system.sample()).throttled).toBe(false);
    put(THROTTLED, '50005\n'); // under-voltage now and since boot, throttled now
    expect((await system.sample()).throttled).toBe(true);
    put(THROTTLED, '0x8\n'); // soft temperature limit active
    expect((await system.sample()).throttled).toBe(true);
    put(THROTTLED, '0xe0000\n'); // capped, throttled and soft limit since boot, none now
    expect((await system.sample()).throttled).toBe(false);
    put(THROTTLED, 'nope\n');
    expect((await system.sample()).throttled).toBeNull();
    rmSync(join(root, THROTTLED));
    expect((await system.sample()).throttled).toBeNull();
  });

  it('follows changes between samples', async () => {
    const system = reader();
    await system.sample();
    put('sys/class/thermal/thermal_zone0/temp', '81000\n');
    put('sys/class/hwmon/hwmon1/in0_lcrit_alarm', '1\n');
    const sample = await system.sample();
    expect(sample.temperatureC).toBe(81);
    expect(sample.undervoltage).toBe(true);
  });

  it('answers null for unreadable or garbage sensor files', async () => {
    put('sys/class/thermal/thermal_zone0/temp', 'hot\n');
    put('proc/uptime', '');
    rmSync(join(root, 'sys/class/hwmon/hwmon1'), { recursive: true });
    rmSync(join(root, 'proc/sys'), { recursive: true });
    const sample = await reader().sample();
    expect(sample.temperatureC).toBeNull();
    expect(sample.undervoltage).toBeNull();
    expect(sample.uptimeSeconds).toBeNull();
    expect(sample.bootId).toBe('');
  });

  it('turns a sensor or statfs failure into a missing value, not a failed sample', async () => {
    const paths = hostPaths(root, { uuid: UUID, mapperName: 'immich_drive', mountPoint: '/mnt/x' });
    const eio = Object.assign(new Error('EIO'), { code: 'EIO' });
    const system = createSystemReader({
      paths,
      readText: async (path) => (path === paths.thermalTemp ? Promise.reject(eio) : readText(path)),
      statFs: () => Promise.reject(eio),
    });
    const sample = await system.sample();
    expect(sample.temperatureC).toBeNull();
    expect(sample.undervoltage).toBe(false);
    expect(sample.disks).toEqual([]);
  });

  it('finds rpi_volt again after its hwmon number changes', async () => {
    const system = reader();
    expect((await system.sample()).undervoltage).toBe(false);
    renameSync(join(root, 'sys/class/hwmon/hwmon1'), join(root, 'sys/class/hwmon/hwmon2'));
    put('sys/class/hwmon/hwmon2/in0_lcrit_alarm', '1\n');
    expect((await system.sample()).undervoltage).toBe(true);
  });
});

describe('createSystemReader drive probe', () => {
  it('sees a locked drive: device present, nothing open or mounted', async () => {
    const sample = await reader().sample();
    expect(sample.drive).toEqual({
      devicePresent: true,
      mapperOpen: false,
      slavesPresent: false,
      mounted: false,
      readOnly: false,
    });
    expect(sample.disks.map((d) => d.id)).toEqual(['sd']);
  });

  it('treats a dangling by-UUID link as an absent device', async () => {
    rmSync(join(root, 'drive.img'));
    expect((await reader().sample()).drive.devicePresent).toBe(false);
  });

  it('finds the slaves of the dm device carrying the mapper name', async () => {
    openMapper(true);
    const withSlave = await reader().sample();
    expect(withSlave.drive).toMatchObject({ mapperOpen: true, slavesPresent: true });
    rmSync(join(root, 'sys/block/dm-1/slaves/sda1'));
    expect((await reader().sample()).drive).toMatchObject({
      mapperOpen: true,
      slavesPresent: false,
    });
  });

  it('reads the mount and judges read-only by the superblock options', async () => {
    put('proc/self/mountinfo', `${ROOT_LINE}\n${driveLine('/mnt/immich_drive')}\n`);
    expect((await reader().sample()).drive).toMatchObject({ mounted: true, readOnly: false });
    // errors=remount-ro flips the superblock options, after the separator.
    const remounted = driveLine('/mnt/immich_drive', 'rw,relatime', 'ro,errors=remount-ro');
    put('proc/self/mountinfo', `${ROOT_LINE}\n${remounted}\n`);
    expect((await reader().sample()).drive).toMatchObject({ mounted: true, readOnly: true });
    // ProtectSystem=strict makes the per-mount flags "ro" inside the agent's namespace only.
    const sandboxed = driveLine('/mnt/immich_drive', 'ro,nosuid,nodev,relatime', 'rw');
    put('proc/self/mountinfo', `${ROOT_LINE}\n${sandboxed}\n`);
    expect((await reader().sample()).drive).toMatchObject({ mounted: true, readOnly: false });
  });

  it('does not mistake a longer path for the mount point, and decodes octal escapes', async () => {
    put('proc/self/mountinfo', `${ROOT_LINE}\n${driveLine('/mnt/immich_drive2')}\n`);
    expect((await reader().sample()).drive.mounted).toBe(false);
    put('proc/self/mountinfo', `${ROOT_LINE}\n${driveLine('/mnt/my\\040drive')}\n`);
    expect((await reader('/mnt/my drive').sample()).drive.mounted).toBe(true);
  });

  it('lets the last of stacked mounts decide', async () => {
    const lines = [
      ROOT_LINE,
      driveLine('/mnt/immich_drive', 'ro', 'ro'),
      driveLine('/mnt/immich_drive'),
    ];
    put('proc/self/mountinfo', `${lines.join('\n')}\n`);
    expect((await reader().sample()).drive.readOnly).toBe(false);
  });
});

describe('createSystemReader disks', () => {
  it('reports the SD card always and the drive only while mounted, percent as df', async () => {
    expect((await reader().sample()).disks).toEqual([
      { id: 'sd', mountPoint: '/', usedBytes: 300, totalBytes: 1000, usedPercent: 33.3 },
    ]);
    expect(statCalls).toEqual([root]);
    put('proc/self/mountinfo', `${ROOT_LINE}\n${driveLine('/mnt/immich_drive')}\n`);
    const { disks } = await reader().sample();
    expect(disks[1]).toEqual({
      id: 'drive',
      mountPoint: '/mnt/immich_drive',
      usedBytes: 3333,
      totalBytes: 4000,
      usedPercent: 83.3,
    });
  });
});
