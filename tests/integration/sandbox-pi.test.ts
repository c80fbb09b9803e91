// The sandbox Pi read through the agent's real adapters, its stub systemctl, and its real LUKS2 image.
import { execFile } from 'node:child_process';
import { lstat, open, readFile, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readText, statFs } from '../../agent/src/adapters/files.ts';
import { CommandError, runCommand } from '../../agent/src/adapters/run-command.ts';
import { createSystemReader } from '../../agent/src/adapters/system.ts';
import { parseConfig } from '../../agent/src/config.ts';
import { driveStateFromProbe } from '../../agent/src/domain/drive-state.ts';
import { createSandboxPi, DEMO_PASSPHRASE, type SandboxPi } from '../../sandbox-pi/index.ts';

let pi: SandboxPi;
beforeAll(async () => {
  pi = await createSandboxPi({ port: 18480, pwaDir: '/tmp/pwa' });
});
afterAll(() => pi?.remove());

const sample = () => createSystemReader({ paths: pi.paths, readText, statFs }).sample();
/** magic reads an image's first four bytes: "LUKS" for a real container. */
async function magic(image: string): Promise<string> {
  const file = await open(image);
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(4), 0, 4, 0);
    return buffer.subarray(0, bytesRead).toString('latin1');
  } finally {
    await file.close();
  }
}
const systemctl = (...args: string[]) => runCommand([join(pi.dir, 'bin/systemctl'), ...args]);

describe('sandbox Pi config', () => {
  it('writes an agent.json that parseConfig accepts, naming the sandbox paths', async () => {
    const config = parseConfig(JSON.parse(await readFile(pi.configPath, 'utf8')));
    expect(config).toEqual(pi.config);
    expect(config).toMatchObject({
      name: 'sandbox-pi',
      listen: { host: '127.0.0.1', port: 18480 },
      publicUrl: 'http://localhost:18480/',
      adminSocket: join(pi.dir, 'run/immich-pi-agent/admin.sock'),
      stateDir: join(pi.dir, 'state'),
      pwaDir: '/tmp/pwa',
      root: pi.root,
      drive: { uuid: pi.uuid, mapperName: 'immich_drive', mountPoint: '/mnt/immich_drive' },
      sampleIntervalSeconds: 2,
    });
    expect((await stat(join(pi.dir, 'run/immich-pi-agent'))).mode & 0o777).toBe(0o750);
  });
});

describe('sandbox Pi read by the adapters', () => {
  it('starts as a cool, powered Pi with a locked drive', async () => {
    const now = await sample();
    expect(now.temperatureC).toBe(48.5);
    expect(now.undervoltage).toBe(false);
    expect(now.uptimeSeconds).toBeGreaterThan(0);
    expect(now.bootId).toMatch(/^[0-9a-f-]{36}$/);
    expect(driveStateFromProbe(now.drive)).toBe('locked');
    expect(now.disks.map((disk) => disk.id)).toEqual(['sd']);
  });

  it('shows sensor and boot changes', async () => {
    await pi.setTemperature(81.25);
    await pi.setUndervoltage(true);
    await pi.setBootId('00000000-1111-4222-8333-444444444444');
    const now = await sample();
    expect(now.temperatureC).toBe(81.3);
    expect(now.undervoltage).toBe(true);
    expect(now.bootId).toBe('00000000-1111-4222-8333-444444444444');
  });

  it('walks the drive through locked, degraded, running, read-only, unplugged and missing', async () => {
    const state = async () => driveStateFromProbe((await sample()).drive);
    await pi.setMapperOpen(true);
    expect(await state()).toBe('degraded');
    await pi.setMounted(true);
    expect(await state()).toBe('running');
    expect((await sample()).disks.map((disk) => disk.mountPoint)).toEqual([
      '/',
      '/mnt/immich_drive',
    ]);
    await pi.setMounted(true, { readOnly: true });
    expect(await state()).toBe('missing');
    await pi.setMounted(true);
    await pi.unplugDrive();
    expect((await sample()).drive).toMatchObject({
      devicePresent: false,
      mapperOpen: true,
      slavesPresent: false,
    });
    expect(await state()).toBe('missing');
    // Plugging back in does not heal the old mapping: it must be closed and opened again.
    await pi.plugDrive();
    expect(await state()).toBe('missing');
    await pi.setMounted(false);
    await pi.setMapperOpen(false);
    expect(await state()).toBe('locked');
    await pi.unplugDrive();
    expect((await sample()).drive.devicePresent).toBe(false);
    expect(await state()).toBe('missing');
    await pi.plugDrive();
    expect(await state()).toBe('locked');
  });
});

describe('sandbox Pi stub systemctl', () => {
  it('starts, reports, fails and stops units, logging every call', async () => {
    await systemctl('start', 'postgresql');
    expect((await systemctl('is-active', 'postgresql.service')).stdout).toBe('active\n');
    expect(
      (await systemctl('show', 'postgresql', '-p', 'ActiveState,SubState,Result')).stdout,
    ).toBe('ActiveState=active\nSubState=running\nResult=success\n');

    await pi.failUnit('immich-server', true);
    const failed = await systemctl('start', 'immich-server').catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(CommandError);
    expect((failed as CommandError).exitCode).toBe(1);
    expect((failed as CommandError).stderr).toContain('immich-server.service failed');
    expect((await systemctl('show', 'immich-server', '--property=ActiveState,Result')).stdout).toBe(
      'ActiveState=failed\nResult=exit-code\n',
    );
    const inactive = await systemctl('is-active', 'immich-server').catch((error: unknown) => error);
    expect((inactive as CommandError).exitCode).toBe(3);
    expect((inactive as CommandError).argv).toContain('immich-server');

    await systemctl('stop', 'postgresql');
    await pi.setUnitState('mnt-immich_drive.mount', 'active');
    expect((await systemctl('show', 'mnt-immich_drive.mount', 'nothing.service')).stdout).toContain(
      'SubState=mounted\nResult=success\n\nId=nothing.service\nLoadState=loaded\nActiveState=inactive\n',
    );
    expect((await systemctl('show', 'postgresql', '-p', 'ActiveState')).stdout).toBe(
      'ActiveState=inactive\n',
    );

    expect(await pi.readCommandLog()).toEqual([
      ['systemctl', 'start', 'postgresql'],
      ['systemctl', 'is-active', 'postgresql.service'],
      ['systemctl', 'show', 'postgresql', '-p', 'ActiveState,SubState,Result'],
      ['systemctl', 'start', 'immich-server'],
      ['systemctl', 'show', 'immich-server', '--property=ActiveState,Result'],
      ['systemctl', 'is-active', 'immich-server'],
      ['systemctl', 'stop', 'postgresql'],
      ['systemctl', 'show', 'mnt-immich_drive.mount', 'nothing.service'],
      ['systemctl', 'show', 'postgresql', '-p', 'ActiveState'],
    ]);
  });
});

describe('sandbox Pi stub systemctl set-property', () => {
  const quotaFile = (unit: string) => join(pi.dir, 'units', `${unit}.cpu-quota`);
  const quota = (unit: string) => readFile(quotaFile(unit), 'utf8').catch(() => null);
  const refusal = (...args: string[]) => systemctl(...args).catch((error: unknown) => error);

  it('caps a unit for this boot, lifts the cap, logs every call and refuses what systemd would', async () => {
    const logged = (await pi.readCommandLog()).length;
    await systemctl('set-property', '--runtime', 'immich-server.service', 'CPUQuota=80%');
    expect(await quota('immich-server.service')).toBe('80%\n');
    await systemctl('set-property', '--runtime', 'immich-machine-learning', 'CPUQuota=400%');
    expect(await quota('immich-machine-learning.service')).toBe('400%\n');
    await systemctl('set-property', '--runtime', 'immich-server.service', 'CPUQuota=');
    expect(await quota('immich-server.service')).toBeNull();

    for (const args of [
      ['set-property', 'immich-server.service', 'CPUQuota=50%'], // would persist
      ['set-property', '--runtime', 'immich-server.service'],
      ['set-property', '--runtime', 'immich-server.service', 'CPUQuota=fast'],
      ['set-property', '--runtime', 'immich-server.service', 'CPUQuota=0%'],
      ['set-property', '--runtime', 'immich-server.service', 'MemoryMax=1G'],
    ]) {
      const failed = await refusal(...args);
      expect(failed).toBeInstanceOf(CommandError);
      expect((failed as CommandError).exitCode).toBe(1);
    }
    expect(await quota('immich-server.service')).toBeNull();

    expect((await pi.readCommandLog()).slice(logged, logged + 3)).toEqual([
      ['systemctl', 'set-property', '--runtime', 'immich-server.service', 'CPUQuota=80%'],
      ['systemctl', 'set-property', '--runtime', 'immich-machine-learning', 'CPUQuota=400%'],
      ['systemctl', 'set-property', '--runtime', 'immich-server.service', 'CPUQuota='],
    ]);
    expect((await pi.readCommandLog()).length).toBe(logged + 8);
  });

  it('forgets a cap at reboot, as a runtime property is', async () => {
    await systemctl('set-property', '--runtime', 'immich-server.service', 'CPUQuota=50%');
    await pi.reboot();
    expect(await quota('immich-server.service')).toBeNull();
  });

  it("writes a helper.json that may cap the agent's guard.capUnits and nothing else", async () => {
    const helper = JSON.parse(await readFile(pi.helperConfigPath, 'utf8'));
    expect(helper.capUnits).toEqual(pi.config.guard.capUnits);
    expect(helper.capUnits).toEqual(['immich-server.service', 'immich-machine-learning.service']);
  });
});

describe('sandbox Pi drive image', () => {
  it('is a real LUKS2 image that accepts the demo passphrase and refuses another', async () => {
    expect(pi.cryptsetupAvailable).toBe(true);
    const cryptsetup = pi.cryptsetupPath ?? 'cryptsetup';
    const image = join(pi.dir, 'drive.img');
    const test = (passphrase: string) =>
      runCommand([cryptsetup, 'open', '--test-passphrase', '--key-file=-', image], {
        stdin: new TextEncoder().encode(passphrase),
      });
    await expect(test(DEMO_PASSPHRASE)).resolves.toBeDefined();
    const wrong = await test(`${DEMO_PASSPHRASE}!`).catch((error: unknown) => error);
    expect(wrong).toMatchObject({ exitCode: 2 });
    const dump = await runCommand([cryptsetup, 'luksDump', image]);
    expect(dump.stdout).toContain(`UUID:          \t${pi.uuid}`);
    expect(dump.stdout).toContain('PBKDF:      argon2id');
  });
});

describe('sandbox Pi stub cryptsetup', () => {
  const stub = () => join(pi.dir, 'bin/cryptsetup');
  const mapper = () => join(pi.paths.root, 'dev/mapper/immich_drive');
  const open = (passphrase: string, env: Record<string, string> = {}) =>
    new Promise<number>((resolve) => {
      const argv = [
        'open',
        '--type',
        'luks2',
        '--key-file=-',
        pi.paths.driveByUuid,
        'immich_drive',
      ];
      const child = execFile(stub(), argv, { env: { PATH: process.env.PATH, ...env } });
      child.on('close', (code) => resolve(code ?? -1));
      child.stdin?.end(passphrase);
    });

  it('opens a mapping only for the right passphrase (checked by the real cryptsetup), then closes it', async () => {
    await pi.reboot();
    expect(await open(`${DEMO_PASSPHRASE}!`)).toBe(2);
    await expect(lstat(mapper())).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await open(DEMO_PASSPHRASE)).toBe(0);
    expect(await readlink(mapper())).toBe('../dm-0');
    expect(await open(DEMO_PASSPHRASE)).toBe(5);
    await runCommand([stub(), 'close', 'immich_drive']);
    await expect(lstat(mapper())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('logs its argv and its whole environment as JSON, odd characters included', async () => {
    const odd = 'a "quoted" back\\slash\nnew line\ttab\u0001 é';
    expect(await open('not it', { ODD: odd })).toBe(2);
    const argvs = await pi.readCommandLog();
    expect(argvs.at(-1)).toEqual([
      'cryptsetup',
      'open',
      '--type',
      'luks2',
      '--key-file=-',
      pi.paths.driveByUuid,
      'immich_drive',
    ]);
    const envs = (await readFile(join(pi.dir, 'log/commands-env.log'), 'utf8')).trim().split('\n');
    expect(envs).toHaveLength(argvs.length);
    expect(JSON.parse(envs.at(-1) ?? '')).toEqual({
      program: 'cryptsetup',
      env: { PATH: process.env.PATH, ODD: odd, PWD: process.cwd() }, // sh exports PWD
    });
  });
});

describe('createSandboxPi reuse', () => {
  it('reopens a sandbox keeping its drive, state and host files, and refuses foreign directories', async () => {
    await pi.setTemperature(60);
    const started = performance.now();
    const again = await createSandboxPi({ dir: pi.dir, reuse: true, port: 18481 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(again.uuid).toBe(pi.uuid);
    expect(again.config.listen).toEqual({ host: '127.0.0.1', port: 18481 });
    expect((await sample()).temperatureC).toBe(60);
    await expect(createSandboxPi({ dir: join(pi.dir, 'root') })).rejects.toThrow(
      /not a sandbox Pi/,
    );
  });

  it('recreates a sandbox from scratch, LUKS format included, in well under two seconds', async () => {
    const started = performance.now();
    const fresh = await createSandboxPi({ dir: pi.dir });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(fresh.uuid).not.toBe(pi.uuid);
    expect(fresh.cryptsetupAvailable).toBe(true);
    expect(await fresh.readCommandLog()).toEqual([]);
    expect(
      (await createSystemReader({ paths: fresh.paths, readText, statFs }).sample()).temperatureC,
    ).toBe(48.5);
  });

  it('makes a placeholder image without cryptsetup, and a real one once it is there', async () => {
    const simulated = await createSandboxPi({ dir: pi.dir, withoutCryptsetup: true });
    expect(simulated.cryptsetupAvailable).toBe(false);
    expect(simulated.cryptsetupPath).toBeNull();
    const image = join(pi.dir, 'drive.img');
    expect((await stat(image)).size).toBe(32 * 1024 * 1024);
    expect(await magic(image)).not.toBe('LUKS');
    const upgraded = await createSandboxPi({ dir: pi.dir, reuse: true });
    expect(upgraded.uuid).toBe(simulated.uuid);
    expect(upgraded.cryptsetupAvailable).toBe(true);
    expect(await magic(image)).toBe('LUKS');
  });
});
