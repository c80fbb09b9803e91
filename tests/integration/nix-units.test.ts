// The systemd units the module writes for the example system (issue 10), checked by this
// machine's systemd: exposure scores (`systemd-analyze security --offline=true`), `verify`, the
// drive's mount unit as the real systemd-fstab-generator makes it, and the serve unit's script.
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evalWith, type NixEval, openNixEval } from '../fixtures/nix-eval.ts';

const FSTAB_GENERATOR = '/usr/lib/systemd/system-generators/systemd-fstab-generator';
/** Keys this machine's systemd (252) does not know yet; the Pi's (NixOS 24.11: 256) does. */
const NEWER_KEYS =
  /^.*: Unknown key '(RestartMaxDelaySec|RestartSteps)' in section \[Service\], ignoring\.$/;

/** The most exposure each unit may have (0 best, 10 worst). */
const EXPOSURE_LIMITS: Record<string, number> = {
  'immich-pi-agent.service': 2.0,
  'immich-pi-helper@.service': 3.0,
  'immich-pi-agent-tailscale-serve.service': 5.0,
  'immich-backup.service': 5.0,
  // As root with the backup unit's sandbox, plus writes to the drive for its scratch (issue 14).
  'immich-pi-verify-backup.service': 3.0,
};
const OURS = [
  ...Object.keys(EXPOSURE_LIMITS),
  'immich-pi-helper.socket',
  'immich-backup.timer',
  'immich-pi-verify-backup.timer',
];

let nix: NixEval;
let dir: string;
let dump: { units: Record<string, string>; fstab: string; failed: string[] };

/** run runs a program and answers its exit code and output; a missing one throws with the fix. */
function run(file: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) =>
    execFile(file, args, { env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = (error as NodeJS.ErrnoException | null)?.code;
      if (code === 'ENOENT')
        reject(new Error(`${file} is missing: install Debian's systemd (.ci/run does)`));
      else resolve({ code: typeof code === 'number' ? code : error ? 1 : 0, stdout, stderr });
    }),
  );
}

beforeAll(async () => {
  nix = await openNixEval();
  dir = await mkdtemp(join(tmpdir(), 'nix-units-'));
  dump = await nix.evalJson({ file: 'dump.nix' });
  await mkdir(join(dir, 'units'));
  for (const [name, text] of Object.entries(dump.units)) {
    await writeFile(join(dir, 'units', name), text);
  }
});
afterAll(async () => {
  await nix?.remove();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the units of the example system', () => {
  it('include the agent, its helper, serve, the backup and the drill units with their timers', () => {
    expect(dump.failed).toEqual([]);
    expect(Object.keys(dump.units)).toEqual(expect.arrayContaining(OURS));
  });

  it.each(Object.entries(EXPOSURE_LIMITS))('%s is exposed at most %s', async (unit, limit) => {
    const { stdout, stderr } = await run('systemd-analyze', [
      'security',
      '--offline=true',
      join(dir, 'units', unit),
    ]);
    const score = /Overall exposure level for \S+: (\d+\.\d)/.exec(stdout + stderr)?.[1];
    expect(score, stdout + stderr).toBeDefined();
    // Kept in the test log, so a change of hardening shows as a change of score.
    console.info(`systemd-analyze security --offline=true ${unit}: ${score}`);
    expect(Number(score)).toBeLessThanOrEqual(limit);
  });

  it.each(OURS)('%s passes systemd-analyze verify', async (unit) => {
    // verify wants every program a unit runs to exist: the store paths move under a temp root,
    // each with an empty program in its place.
    const root = join(dir, 'verify');
    const original = dump.units[unit] ?? '';
    for (const program of new Set(
      original.match(/\/nix\/store\/[^\s"=:]+\/(bin|libexec)\/[^\s"=:]+/g),
    )) {
      await mkdir(dirname(join(root, program)), { recursive: true });
      await writeFile(join(root, program), '#!/bin/sh\n');
      await chmod(join(root, program), 0o755);
    }
    const text = original.replaceAll('/nix/store/', `${root}/nix/store/`);
    await mkdir(join(root, 'units'), { recursive: true });
    await writeFile(join(root, 'units', unit), text);
    const { code, stdout, stderr } = await run('systemd-analyze', [
      'verify',
      '--man=no',
      join(root, 'units', unit),
    ]);
    const said = `${stdout}${stderr}`.split('\n').filter((line) => line && !NEWER_KEYS.test(line));
    expect(said).toEqual([]);
    expect(code).toBe(0);
  });
});

describe("the drive's mount, through the real systemd-fstab-generator", () => {
  it('is mnt-immich_drive.mount, the helper starts it, nothing at boot does, and fsck runs first', async () => {
    const line = dump.fstab.split('\n').find((entry) => entry.includes(' /mnt/immich_drive '));
    expect(line).toBe('/dev/mapper/immich_drive /mnt/immich_drive ext4 noauto,nofail,noatime 0 2');
    const out = join(dir, 'generator');
    await writeFile(join(dir, 'fstab'), `${line}\n`);
    for (const sub of ['normal', 'early', 'late']) await mkdir(join(out, sub), { recursive: true });
    const generated = await run(
      FSTAB_GENERATOR,
      ['normal', 'early', 'late'].map((sub) => join(out, sub)),
      {
        ...process.env,
        SYSTEMD_FSTAB: join(dir, 'fstab'),
      },
    );
    expect(generated.code).toBe(0);
    const unit = await readFile(join(out, 'normal', 'mnt-immich_drive.mount'), 'utf8');
    expect(unit).toMatch(/^What=\/dev\/mapper\/immich_drive$/m);
    expect(unit).toMatch(/^Requires=systemd-fsck@dev-mapper-immich_drive\.service$/m);
    // noauto: no target wants it, so a locked drive never holds up a boot.
    expect(unit).not.toMatch(/WantedBy|RequiredBy/);
    // The unit the helper starts after opening the drive.
    expect(JSON.parse(await helperConfig()).mountUnit).toBe('mnt-immich_drive.mount');
    const verified = await run('systemd-analyze', [
      'verify',
      '--man=no',
      join(out, 'normal', 'mnt-immich_drive.mount'),
    ]);
    expect(verified.stdout + verified.stderr).toBe('');
  });
});

async function helperConfig(): Promise<string> {
  return nix.evalJson<string>(
    evalWith(
      '{ }',
      'builtins.unsafeDiscardStringContext e.config.environment.etc."immich-pi-agent/helper.json".source.jsonText',
    ),
  );
}

describe('the tailscale serve unit', () => {
  let script: string;
  let tools: string[];
  beforeAll(async () => {
    const serve = 'e.config.systemd.services.immich-pi-agent-tailscale-serve';
    ({ script, tools } = await nix.evalJson<{ script: string; tools: string[] }>(
      evalWith('{ }', `{ script = ${serve}.script; tools = map (p: p.pname) ${serve}.path; }`),
    ));
  });

  const AGENT = 'unix:/run/immich-pi-agent/agent.sock';
  const serving = (proxy: string) =>
    JSON.stringify({
      TCP: { 443: { HTTPS: true } },
      Web: { 'immich.tail1234.ts.net:443': { Handlers: { '/': { Proxy: proxy } } } },
    });

  /** runScript runs the unit's script as NixOS does (sh -e) with a stub tailscale and the real jq. */
  async function runScript(stub: { serveExit: number; status: string }) {
    const bin = await mkdtemp(join(dir, 'bin-'));
    const calls = join(bin, 'calls');
    await writeFile(join(bin, 'status.json'), stub.status);
    await writeFile(
      join(bin, 'tailscale'),
      `#!/bin/sh\necho "$*" >> ${calls}\ncase "$*" in\n  "serve status --json") cat ${bin}/status.json ;;\n  *) exit ${stub.serveExit} ;;\nesac\n`,
    );
    await chmod(join(bin, 'tailscale'), 0o755);
    const result = await run('/bin/bash', ['-e', '-c', script], { PATH: `${bin}:/usr/bin:/bin` });
    const ran = (await readFile(calls, 'utf8').catch(() => '')).trim().split('\n');
    return { ...result, ran };
  }

  it('finds tailscale and jq through the unit path', () => {
    expect(tools).toEqual(expect.arrayContaining(['tailscale', 'jq']));
  });

  it('succeeds once tailscaled serves the agent socket at /', async () => {
    const result = await runScript({ serveExit: 0, status: serving(AGENT) });
    expect(result.ran).toEqual([`serve --bg --https=443 ${AGENT}`, 'serve status --json']);
    expect(result.code).toBe(0);
  });

  it.each([
    ['serves nothing (no HTTPS certificates yet: `serve --bg` exits 0)', '{}'],
    ['serves something else at /', serving('http://127.0.0.1:2283')],
  ])('fails, saying what to do, when tailscaled %s', async (_, status) => {
    const result = await runScript({ serveExit: 0, status });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/turn on HTTPS certificates/);
  });

  it('fails when `tailscale serve` itself fails, asking nothing more', async () => {
    const result = await runScript({ serveExit: 1, status: serving(AGENT) });
    expect(result.code).not.toBe(0);
    expect(result.ran).toEqual([`serve --bg --https=443 ${AGENT}`]);
  });

  it('retries for ever, ever more slowly', () => {
    const unit = dump.units['immich-pi-agent-tailscale-serve.service'] ?? '';
    for (const line of [
      'Restart=on-failure',
      'RestartSec=30s',
      'RestartSteps=5',
      'RestartMaxDelaySec=10min',
      'StartLimitIntervalSec=0',
    ]) {
      expect(unit.split('\n')).toContain(line);
    }
  });
});
