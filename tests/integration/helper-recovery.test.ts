// The built helper's recovery verbs as a real process against a sandbox Pi: `drive-health` finds
// the whole disk behind the LUKS device through the sandbox's /dev and sysfs and runs the stub
// smartctl on it, `list-dumps` lists the drive's database dumps.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driveHealthFromSmart, type SmartReading } from '../../agent/src/domain/recovery/smart.ts';
import { createSandboxPi, type SandboxPi } from '../../sandbox-pi/index.ts';
import { HELPER_BIN } from '../fixtures/agent-process.ts';

let pi: SandboxPi;
beforeAll(async () => {
  if (!existsSync(HELPER_BIN)) throw new Error(`${HELPER_BIN} is missing: run \`npm run build\``);
  pi = await createSandboxPi({ port: 0 });
}, 60_000);
afterAll(() => pi?.remove());

/** ask runs the built helper of a sandbox once with this request line; only PATH in its env. */
function ask(line: string, sandbox: SandboxPi = pi): Promise<Record<string, unknown>> {
  const argv = [sandbox.helperBin, '--config', sandbox.helperConfigPath];
  const child = spawn(process.execPath, argv, { env: { PATH: process.env.PATH ?? '/usr/bin' } });
  const out: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stdin.end(`${line}\n`);
  return new Promise((resolve) =>
    child.on('close', () =>
      resolve(JSON.parse(Buffer.concat(out).toString('utf8').split('\n')[0] || 'null')),
    ),
  );
}

/** health reads an answer's SMART output the way the agent does. */
const health = (answer: Record<string, unknown>) =>
  driveHealthFromSmart(answer.smart as SmartReading, Date.now());

const smartctlCalls = async () =>
  (await pi.readCommandLog()).filter(([program]) => program === 'smartctl');

describe('drive-health through the built helper', () => {
  it('reads the whole disk (sda, not the partition) and answers smartctl’s JSON', async () => {
    await pi.setSmart('healthy');
    const before = (await smartctlCalls()).length;
    const answer = await ask('drive-health');
    expect(answer).toMatchObject({ ok: true, smart: { exitStatus: 0, deviceType: 'auto' } });
    const calls = (await smartctlCalls()).slice(before);
    expect(calls).toEqual([['smartctl', '--json', '-H', '-A', '-i', join(pi.root, 'dev/sda')]]);
    expect(health(answer)).toMatchObject({ state: 'ok', passed: true, model: expect.any(String) });
  });

  it('retries with -d sat for a USB bridge smartctl does not know, and answers that try', async () => {
    await pi.setSmart('unknown-bridge');
    const before = (await smartctlCalls()).length;
    const answer = await ask('drive-health');
    expect(answer).toMatchObject({ ok: true, smart: { exitStatus: 0, deviceType: 'sat' } });
    const calls = (await smartctlCalls()).slice(before);
    expect(calls.map((argv) => argv.includes('sat'))).toEqual([false, true]);
  });

  it('passes the failing verdict’s exit bits through, and a growing disk’s counts grow', async () => {
    await pi.setSmart('failing');
    const failing = await ask('drive-health');
    expect((failing.smart as SmartReading).exitStatus).toBe(24);
    expect(health(failing)).toMatchObject({ state: 'failing', passed: false });

    await pi.setSmart('growing');
    const first = health(await ask('drive-health'));
    const second = health(await ask('drive-health'));
    expect(first.reallocatedSectors).toBeGreaterThan(0);
    expect(second.reallocatedSectors).toBe((first.reallocatedSectors ?? 0) + 8);
    expect(second.pendingSectors).toBe((first.pendingSectors ?? 0) + 2);
  });

  it('says smartctl is missing when it is not installed', async () => {
    await pi.setSmart('missing');
    expect(await ask('drive-health')).toMatchObject({ ok: false, code: 'smartctl-missing' });
    await pi.setSmart('healthy');
    expect(await ask('drive-health')).toMatchObject({ ok: true });
  });

  it('finds no disk when the drive is unplugged, and never reads another device', async () => {
    await pi.unplugDrive();
    const before = (await smartctlCalls()).length;
    expect(await ask('drive-health')).toMatchObject({ ok: false, code: 'no-disk' });
    expect((await smartctlCalls()).length).toBe(before);
    // A by-uuid link swapped to point outside /dev: the helper refuses rather than follow it.
    await symlink(pi.imagePath, pi.paths.driveByUuid);
    expect(await ask('drive-health')).toMatchObject({ ok: false, code: 'no-disk' });
    await rm(pi.paths.driveByUuid);
    await pi.plugDrive();
    expect(await ask('drive-health')).toMatchObject({ ok: true });
  });
});

describe('the sandbox’s SMART controls as the README gives them', () => {
  it('takes `echo failing > smart/outcome` on a fresh sandbox', async () => {
    const fresh = await createSandboxPi({ port: 0 });
    try {
      await writeFile(join(fresh.dir, 'smart/outcome'), 'failing\n'); // no mkdir first
      const answer = await ask('drive-health', fresh);
      expect(health(answer)).toMatchObject({ state: 'failing' });
    } finally {
      await fresh.remove();
    }
  });

  it('relinks an older sandbox’s by-uuid link (to the image) to the partition when reopened', async () => {
    await rm(pi.paths.driveByUuid);
    await symlink(pi.imagePath, pi.paths.driveByUuid);
    expect(await ask('drive-health')).toMatchObject({ ok: false, code: 'no-disk' });
    const reopened = await createSandboxPi({ dir: pi.dir, reuse: true, port: 0 });
    expect(await readlink(reopened.paths.driveByUuid)).toBe('../../sda1');
    expect(await ask('drive-health')).toMatchObject({ ok: true });
  });
});

describe('list-dumps through the built helper', () => {
  it('answers the drive’s dumps, newest first, with sizes and times only', async () => {
    const answer = (await ask('list-dumps')) as {
      ok: boolean;
      dumps: { name: string; bytes: number; mtimeMs: number }[];
    };
    expect(answer.ok).toBe(true);
    const onDrive = await readdir(join(pi.root, pi.config.recovery.dumpsDir));
    expect(answer.dumps.map((d) => d.name).sort()).toEqual(onDrive.sort());
    expect(answer.dumps).toHaveLength(3);
    const times = answer.dumps.map((d) => d.mtimeMs);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    for (const dump of answer.dumps)
      expect(Object.keys(dump).sort()).toEqual(['bytes', 'mtimeMs', 'name']);
  });

  it('answers none when the directory is gone', async () => {
    await pi.setRestoreOutcome('no-dump');
    expect(await ask('list-dumps')).toEqual({ ok: true, dumps: [] });
  });
});
