// A fake host for the helper's unit tests: records every argv (and stdin), answers like cryptsetup,
// systemctl and journalctl would, and keeps the lock and the failure record in memory.

import { dirname, join } from 'node:path';
import type { DumpListing } from '../adapters/dump-dir.ts';
import { CommandError } from '../adapters/run-command.ts';
import type { RunCommand } from '../ports.ts';
import { type HelperConfig, parseHelperConfig } from './config.ts';
import type { LimitRecord } from './limit-store.ts';
import type { HelperDeps } from './verbs.ts';

export const config: HelperConfig = parseHelperConfig({
  cryptsetup: '/bin/cryptsetup',
  systemctl: '/bin/systemctl',
  journalctl: '/bin/journalctl',
  device: '/dev/disk/by-uuid/0b5d1e4a-0000-4000-8000-000000000001',
  mountUnit: 'mnt-immich_drive.mount',
  stateDir: '/var/lib/immich-pi-helper',
  meminfo: '/proc/meminfo',
  uptime: '/proc/uptime',
  bootId: '/proc/sys/kernel/random/boot_id',
});

/** luksDumpJson is `luksDump --dump-json-metadata` of a header whose keyslots cost these KiB. */
export function luksDumpJson(...memoryKiB: number[]): string {
  const keyslots = Object.fromEntries(
    memoryKiB.map((memory, slot) => [
      String(slot),
      { type: 'luks2', kdf: { type: 'argon2id', time: 4, memory, cpus: 1, salt: 'c2FsdA==' } },
    ]),
  );
  return JSON.stringify({ keyslots, tokens: {}, segments: {}, digests: {}, config: {} });
}

/** An answer a faked program gives: its exit code (0 by default), stdout, or a timeout. */
export interface FakeOutcome {
  code?: number;
  stdout?: string;
  timedOut?: boolean;
  /** The program is not installed: it cannot start (ENOENT). */
  missing?: boolean;
}

/**
 * A Pi's /dev and sysfs as the fake host has them: the by-uuid link to sda1, sda1 a partition
 * whose sysfs entry sits under its disk sda.
 */
export function fakeDiskTree(device = config.device) {
  return {
    links: new Map<string, string>([
      [device, '../../sda1'],
      ['/sys/class/block/sda1', '../../devices/platform/usb/host0/block/sda/sda1'],
      ['/sys/class/block/sda', '../../devices/platform/usb/host0/block/sda'],
    ]),
    present: new Set<string>([
      '/dev/sda1',
      '/dev/sda',
      '/sys/class/block/sda1',
      '/sys/class/block/sda1/partition',
      '/sys/class/block/sda',
      '/sys/devices/platform/usb/host0/block/sda',
      '/sys/devices/platform/usb/host0/block/sda/sda1',
    ]),
  };
}

export interface Call {
  argv: string[];
  /** A copy of the stdin bytes, or null when the command got none. */
  stdin: Uint8Array | null;
}

/** fakeHost answers each program by its first argument: `cryptsetup open` is key "open". */
export function fakeHost() {
  const calls: Call[] = [];
  const outcomes = new Map<string, FakeOutcome>([
    ['luksDump', { stdout: luksDumpJson(8192) }],
    [
      'status',
      { stdout: '/dev/mapper/immich_drive is active.\n  type:    LUKS2\n  device:  /dev/sda1\n' },
    ],
    ['journalctl', { stdout: 'line one\nline two\n' }],
  ]);
  const disk = fakeDiskTree();
  const files = new Map<string, string>([
    ['/proc/meminfo', 'MemTotal:        3884328 kB\nMemAvailable:    3000000 kB\n'],
    ['/proc/uptime', '1000.25 3900.00\n'],
    ['/proc/sys/kernel/random/boot_id', 'boot-a\n'],
  ]);
  const host = {
    calls,
    outcomes,
    files,
    record: null as LimitRecord | null,
    lockHeld: false,
    /** Links (path → target as written) and what lstat finds, under /dev and /sys. */
    disk,
    dumps: { kind: 'missing' } as DumpListing,
    setUptime(seconds: number) {
      files.set('/proc/uptime', `${seconds} 0.00\n`);
    },
    argvs: () => calls.map((call) => call.argv),
  };
  const runCommand: RunCommand = async (argv, options = {}) => {
    calls.push({ argv: [...argv], stdin: options.stdin ? Uint8Array.from(options.stdin) : null });
    const program = argv[0]?.split('/').pop() ?? '';
    const key = program === 'cryptsetup' ? (argv[1] ?? '') : program;
    const outcome = outcomes.get(key) ?? {};
    const code = outcome.code ?? 0;
    if (outcome.missing) {
      const cause = Object.assign(new Error('spawn ENOENT'), { code: 'ENOENT' });
      throw new CommandError(`${program} could not start (ENOENT)`, {
        ...{ argv, exitCode: null, signal: null, stderr: '', cause },
      });
    }
    if (outcome.timedOut || code !== 0) {
      throw new CommandError(`${program} failed`, {
        argv,
        exitCode: outcome.timedOut ? null : code,
        signal: outcome.timedOut ? 'SIGKILL' : null,
        stderr: '',
        stdout: outcome.stdout ?? '',
        timedOut: outcome.timedOut ?? false,
      });
    }
    return { stdout: outcome.stdout ?? '', stderr: '' };
  };
  const resolveLinks = (path: string): string | null => {
    let current = path;
    for (let i = 0; i < 8; i++) {
      const target = disk.links.get(current);
      if (target === undefined) return disk.present.has(current) ? current : null;
      current = join(dirname(current), target);
    }
    return null;
  };
  const deps: HelperDeps = {
    runCommand,
    readLink: async (path) => disk.links.get(path) ?? null,
    realPath: async (path) => resolveLinks(path),
    pathExists: async (path) => disk.links.has(path) || disk.present.has(path),
    readDumpDir: async () => host.dumps,
    readText: async (path) => files.get(path) ?? null,
    acquireKdfLock: async () => {
      if (host.lockHeld) return null;
      host.lockHeld = true;
      return {
        release: async () => {
          host.lockHeld = false;
        },
      };
    },
    limitStore: {
      peek: async () => host.record,
      load: async () => host.record,
      save: async (record) => {
        host.record = structuredClone(record);
      },
    },
  };
  return { host, deps };
}
