// The built helper (`immich-pi-helper --config <sandbox>/helper.json`) as a real process,
// bytes on stdin, against a sandbox Pi with the real cryptsetup on a real LUKS2 image underneath.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHelperClient } from '../../agent/src/adapters/helper-client.ts';
import { acquireKdfLock } from '../../agent/src/helper/kdf-lock.ts';
import { createSandboxPi, DEMO_PASSPHRASE, type SandboxPi } from '../../sandbox-pi/index.ts';
import { HELPER_BIN } from '../fixtures/agent-process.ts';
import { eventually } from '../fixtures/eventually.ts';

interface HelperRun {
  answer: Record<string, unknown>;
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

/** Everything every helper printed, and every wrong passphrase tried: the leak audit's inputs. */
const printed: string[] = [];
const secrets: string[] = [DEMO_PASSPHRASE];
const sandboxes: SandboxPi[] = [];

/** runHelper runs the built helper once with these bytes on stdin; only PATH in its env. */
function runHelper(pi: SandboxPi, frame: string | Uint8Array): Promise<HelperRun> {
  const argv = [pi.helperBin, '--config', pi.helperConfigPath];
  const child = spawn(process.execPath, argv, { env: { PATH: process.env.PATH ?? '/usr/bin' } });
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  child.stdout.on('data', (chunk: Buffer) => chunks.stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => chunks.stderr.push(chunk));
  child.stdin.end(typeof frame === 'string' ? Buffer.from(frame, 'latin1') : frame);
  return new Promise((resolve) =>
    child.on('close', (exitCode) => {
      const out = {
        stdout: Buffer.concat(chunks.stdout).toString('utf8'),
        stderr: Buffer.concat(chunks.stderr).toString('utf8'),
      };
      printed.push(out.stdout, out.stderr);
      resolve({ answer: JSON.parse(out.stdout.split('\n')[0] || 'null'), ...out, exitCode });
    }),
  );
}

const openFrame = (passphrase: string) =>
  `open\n${Buffer.byteLength(passphrase)}\n${Buffer.from(passphrase).toString('latin1')}`;
const wrongPassphrase = () => {
  const secret = `wrong-${randomBytes(12).toString('hex')}`;
  secrets.push(secret);
  return secret;
};
const verbsRun = async (pi: SandboxPi) =>
  (await pi.readCommandLog()).map(([program, verb]) => `${program} ${verb}`);
const mapperOpen = (pi: SandboxPi) => existsSync(join(pi.root, 'dev/mapper/immich_drive'));
const mountinfo = (pi: SandboxPi) => readFile(pi.paths.procMountinfo, 'utf8');
const ping = (pi: SandboxPi) =>
  fetch(`${pi.immichUrl}/api/server/ping`).then(
    (res) => res.text(),
    () => 'no answer',
  );

async function makeSandbox(options: Parameters<typeof createSandboxPi>[0] = {}) {
  const pi = await createSandboxPi({ port: 0, ...options });
  sandboxes.push(pi);
  expect(pi.cryptsetupAvailable).toBe(true);
  return pi;
}

beforeAll(() => {
  if (!existsSync(HELPER_BIN)) throw new Error(`${HELPER_BIN} is missing: run \`npm run build\``);
});
afterAll(async () => {
  await Promise.all(sandboxes.map((pi) => pi.remove()));
});

describe('the helper opening the drive', () => {
  let pi: SandboxPi;
  beforeAll(async () => {
    pi = await makeSandbox();
  });

  it('answers wrong-passphrase with the tries left, and opens nothing', async () => {
    const run = await runHelper(pi, openFrame(wrongPassphrase()));
    expect(run.answer).toEqual({
      ok: false,
      code: 'wrong-passphrase',
      message: 'the passphrase is wrong',
      triesLeft: 4,
    });
    expect(run.exitCode).toBe(0);
    expect(mapperOpen(pi)).toBe(false);
    const device = pi.paths.driveByUuid;
    expect((await pi.readCommandLog()).map((argv) => argv.join(' '))).toEqual([
      `cryptsetup luksDump --dump-json-metadata ${device}`,
      `cryptsetup open --type luks2 --key-file=- ${device} immich_drive`,
    ]);
  });

  it('opens with the right passphrase, then calls an open drive already open', async () => {
    expect((await runHelper(pi, openFrame(DEMO_PASSPHRASE))).answer).toEqual({ ok: true });
    expect(mapperOpen(pi)).toBe(true);
    expect(existsSync(join(pi.root, 'sys/block/dm-0/slaves/sda1'))).toBe(true);
    expect((await runHelper(pi, openFrame(DEMO_PASSPHRASE))).answer).toEqual({
      ok: true,
      alreadyOpen: true,
    });
    expect((await verbsRun(pi)).slice(-3)).toEqual([
      'cryptsetup luksDump',
      'cryptsetup open',
      'cryptsetup status',
    ]);
  });

  it('mounts, starts and stops the services, and closes, changing the sandbox each time', async () => {
    expect((await runHelper(pi, 'start mnt-immich_drive.mount\n')).answer).toEqual({ ok: true });
    expect(await mountinfo(pi)).toContain(' /mnt/immich_drive rw,relatime ');
    expect((await runHelper(pi, 'start postgresql.service\n')).answer).toEqual({ ok: true });
    expect((await runHelper(pi, 'start immich-server.service\n')).answer).toEqual({ ok: true });
    expect(await ping(pi)).toBe('{"res":"pong"}');
    expect((await runHelper(pi, 'close\n')).answer).toEqual({
      ok: false,
      code: 'command-failed',
      message: 'the drive is still in use',
    });
    expect((await runHelper(pi, 'stop immich-server.service\n')).answer).toEqual({ ok: true });
    expect(await ping(pi)).toBe('no answer');
    expect((await runHelper(pi, 'stop postgresql.service\n')).answer).toEqual({ ok: true });
    expect((await runHelper(pi, 'stop mnt-immich_drive.mount\n')).answer).toEqual({ ok: true });
    expect(await mountinfo(pi)).not.toContain('/mnt/immich_drive');
    expect((await runHelper(pi, 'close\n')).answer).toEqual({ ok: true });
    expect(mapperOpen(pi)).toBe(false);
    expect((await runHelper(pi, 'close\n')).answer).toEqual({ ok: true }); // not open is fine
    expect((await runHelper(pi, 'start-backup\n')).answer).toEqual({ ok: true });
    expect((await pi.readCommandLog()).at(-1)?.join(' ')).toBe(
      'systemctl start --no-block immich-backup.service',
    );
  });

  it('answers a failed unit with its journal lines', async () => {
    await pi.failUnit('immich-machine-learning', true, ['loading model', 'out of memory: killed']);
    const run = await runHelper(pi, 'start immich-machine-learning.service\n');
    expect(run.answer).toEqual({
      ok: false,
      code: 'unit-failed',
      message: 'the unit failed to start',
      logLines: ['loading model', 'out of memory: killed'],
    });
    expect((await pi.readCommandLog()).at(-1)?.join(' ')).toBe(
      'journalctl -u immich-machine-learning.service -n 20 --no-pager -o cat',
    );
    await pi.failUnit('immich-machine-learning', false);
  });

  it('caps and uncaps the CPU of a cap unit, runtime only, and refuses a unit that is not one', async () => {
    const cap = await runHelper(pi, 'set-cpu-quota immich-server.service 100\n');
    expect(cap.answer).toEqual({ ok: true });
    expect((await pi.readCommandLog()).at(-1)?.join(' ')).toBe(
      'systemctl set-property --runtime immich-server.service CPUQuota=100%',
    );
    expect((await runHelper(pi, 'set-cpu-quota immich-server.service off\n')).answer).toEqual({
      ok: true,
    });
    expect((await pi.readCommandLog()).at(-1)?.join(' ')).toBe(
      'systemctl set-property --runtime immich-server.service CPUQuota=',
    );
    const before = await pi.readCommandLog();
    // Postgres is a unit the helper starts, but not one whose CPU it may cap.
    for (const [frame, code] of [
      ['set-cpu-quota postgresql.service 50\n', 'unit-not-allowed'],
      ['set-cpu-quota immich-server.service 0\n', 'bad-frame'],
      ['set-cpu-quota immich-server.service 50%\n', 'bad-frame'],
    ]) {
      expect((await runHelper(pi, frame as string)).answer).toMatchObject({ ok: false, code });
    }
    expect(await pi.readCommandLog()).toEqual(before);
  });

  it('refuses bad frames, unknown verbs and units outside its config without running anything', async () => {
    const before = await pi.readCommandLog();
    const refused = [
      ['start sshd.service\n', 'unit-not-allowed'],
      ['stop getty@tty1.service\n', 'unit-not-allowed'],
      ['reboot\n', 'unknown-verb'],
      ['open\n05\nabcde', 'bad-frame'],
      ['open\n513\n', 'bad-frame'],
      [`${openFrame(DEMO_PASSPHRASE)}x`, 'bad-frame'],
      ['close', 'bad-frame'],
    ];
    for (const [frame, code] of refused) {
      const run = await runHelper(pi, frame as string);
      expect(run.answer).toMatchObject({ ok: false, code });
      expect(run.exitCode).toBe(0);
    }
    expect(await pi.readCommandLog()).toEqual(before);
  });

  it('refuses to run the KDF when MemAvailable is short, before cryptsetup open', async () => {
    await pi.setMemAvailable(200_000); // 195 MiB: below 8 MiB of Argon2 plus 256 MiB
    const { answer } = await runHelper(pi, openFrame(DEMO_PASSPHRASE));
    expect(answer.code).toBe('insufficient-memory');
    expect((await verbsRun(pi)).at(-1)).toBe('cryptsetup luksDump');
    await pi.setMemAvailable(3_300_000);
  });

  it('answers kdf-busy while another open holds the KDF lock', async () => {
    await pi.slowCryptsetup(2);
    const first = runHelper(pi, openFrame(DEMO_PASSPHRASE));
    // The first holds the lock once its cryptsetup open has started.
    await eventually('the first cryptsetup open', async () => (await verbsRun(pi)).at(-1), {
      until: (verb) => verb === 'cryptsetup open',
      timeoutMs: 2_000,
      everyMs: 20,
    }).catch(() => undefined); // the kdf-busy answer below says whether it held the lock
    const second = await runHelper(pi, openFrame(DEMO_PASSPHRASE));
    expect(second.answer).toMatchObject({ ok: false, code: 'kdf-busy' });
    expect((await first).answer).toEqual({ ok: true });
    await pi.slowCryptsetup(null);
    // The lock is a directory in the helper's state dir: holding it from here (root, as the
    // helper) refuses the helper just the same.
    const config = JSON.parse(await readFile(pi.helperConfigPath, 'utf8'));
    const lock = await acquireKdfLock(config.stateDir);
    expect(lock).not.toBeNull();
    expect((await runHelper(pi, openFrame(DEMO_PASSPHRASE))).answer.code).toBe('kdf-busy');
    await lock?.release();
    expect((await verbsRun(pi)).filter((verb) => verb === 'cryptsetup open')).toHaveLength(4);
  });

  it('is what agent.json helper.command runs, through the agent client', async () => {
    const call = createHelperClient(pi.config.helper);
    expect(await call({ verb: 'start', unit: 'postgresql.service' })).toEqual({ ok: true });
    expect(await call({ verb: 'stop', unit: 'postgresql.service' })).toEqual({ ok: true });
    expect(await call({ verb: 'start', unit: 'sshd.service' })).toMatchObject({
      code: 'unit-not-allowed',
    });
  });
});

describe('the helper refusing to open', () => {
  let pi: SandboxPi;
  beforeAll(async () => {
    pi = await makeSandbox({ timeouts: { unitSeconds: 1 } });
  });

  it('limits wrong passphrases to five in 15 minutes, then refuses without running cryptsetup', async () => {
    const triesLeft: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      triesLeft.push((await runHelper(pi, openFrame(wrongPassphrase()))).answer.triesLeft);
    }
    expect(triesLeft).toEqual([4, 3, 2, 1, 0]);
    const before = await pi.readCommandLog();
    for (const passphrase of [wrongPassphrase(), DEMO_PASSPHRASE]) {
      const { answer } = await runHelper(pi, openFrame(passphrase));
      expect(answer).toMatchObject({ ok: false, code: 'unlock-rate-limited' });
      expect(answer.retryAfterSeconds).toBeGreaterThan(800);
      expect(answer.retryAfterSeconds).toBeLessThanOrEqual(900);
    }
    expect(await pi.readCommandLog()).toEqual(before);
    expect(mapperOpen(pi)).toBe(false);
    // A reboot starts a new count.
    await pi.setBootId();
    expect((await runHelper(pi, openFrame(DEMO_PASSPHRASE))).answer).toEqual({ ok: true });
    expect((await runHelper(pi, 'close\n')).answer).toEqual({ ok: true });
  });

  it('answers timeout for a unit slower than unitSeconds', async () => {
    await pi.slowUnit('postgresql', 5);
    expect((await runHelper(pi, 'start postgresql.service\n')).answer).toMatchObject({
      ok: false,
      code: 'timeout',
    });
    await pi.slowUnit('postgresql', null);
  });

  it('answers drive-missing once the drive image is gone', async () => {
    await rm(pi.imagePath);
    expect((await runHelper(pi, openFrame(DEMO_PASSPHRASE))).answer).toMatchObject({
      ok: false,
      code: 'drive-missing',
    });
    expect((await verbsRun(pi)).at(-1)).toBe('cryptsetup luksDump');
  });

  it('exits 1 with one line and no answer when its config is bad', async () => {
    const child = spawn(process.execPath, [HELPER_BIN, '--config', '/nonexistent.json']);
    const stderr: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.stdin.end('close\n');
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(1);
    expect(Buffer.concat(stderr).toString()).toMatch(
      /^immich-pi-helper: cannot read helper config \/nonexistent\.json: .*\n$/,
    );
  });

  it('leaves no stub Immich running once its sandbox is removed', async () => {
    const other = await createSandboxPi({ port: 0 });
    expect((await runHelper(other, 'start immich-server\n')).answer).toMatchObject({
      code: 'unit-not-allowed', // the helper takes full unit names only
    });
    expect((await runHelper(other, 'start immich-server.service\n')).answer).toEqual({ ok: true });
    expect(await ping(other)).toBe('{"res":"pong"}');
    await other.remove();
    expect(await ping(other)).toBe('no answer');
  });
});

describe('leak audit', () => {
  it('finds no passphrase in commands.log, helper output or any sandbox file', async () => {
    expect(secrets.length).toBeGreaterThan(5);
    const haystacks = [...printed];
    for (const pi of sandboxes) {
      for (const entry of await readdir(pi.dir, { recursive: true, withFileTypes: true })) {
        const file = join(entry.parentPath, entry.name);
        // The image holds the LUKS header, never a passphrase in clear; /proc links are the host's.
        if (!entry.isFile() || file === pi.imagePath || (await stat(file)).size > 1_000_000)
          continue;
        haystacks.push(await readFile(file, 'latin1'));
      }
      expect((await readFile(join(pi.dir, 'log/commands.log'), 'utf8')).length).toBeGreaterThan(0);
    }
    for (const secret of secrets) {
      expect(haystacks.filter((text) => text.includes(secret))).toEqual([]);
    }
  });
});
