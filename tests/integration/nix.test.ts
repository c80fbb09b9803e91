// The NixOS module against the agent (issue 6): every .nix file parses, the module's config
// builders give exactly nix/example/*.json, and the agent and the root helper accept those files.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../agent/src/config.ts';
import { mountUnitFor } from '../../agent/src/domain/mount-unit.ts';
import { parseHelperConfig } from '../../agent/src/helper/config.ts';
import { fakeHost } from '../../agent/src/helper/helper.fixtures.ts';
import { runHelper } from '../../agent/src/helper/run.ts';
import { PWA_DIR, REPO_ROOT, startAgent, stopAllAgents } from '../fixtures/agent-process.ts';

const NIX_DIR = join(REPO_ROOT, 'nix');
const nixFiles = (await readdir(NIX_DIR, { recursive: true }))
  .filter((name) => name.endsWith('.nix'))
  .sort();
const readJson = async (path: string) => JSON.parse(await readFile(join(NIX_DIR, path), 'utf8'));
const agentJson = await readJson('example/agent-config.json');
const helperJson = await readJson('example/helper-config.json');

// Nix keeps its store and state in a temp dir: no daemon, no /nix writes, any user.
const nixHome = await mkdtemp(join(tmpdir(), 'nix-eval-'));
const created = [nixHome];
afterAll(async () => {
  await stopAllAgents();
  await Promise.all(created.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** nixInstantiate runs Debian's nix-instantiate; a missing one fails the test with the fix. */
function nixInstantiate(args: string[]): Promise<string> {
  const env = {
    ...process.env,
    NIX_REMOTE: `local?root=${nixHome}`,
    HOME: nixHome,
    XDG_CACHE_HOME: join(nixHome, 'cache'),
  };
  return new Promise((resolve, reject) =>
    execFile('nix-instantiate', args, { env, timeout: 60_000 }, (error, stdout, stderr) => {
      if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
        reject(new Error("nix-instantiate is missing: install Debian's nix-bin (.ci/run does)"));
      } else if (error) reject(new Error(`nix-instantiate ${args.join(' ')}: ${stderr}`));
      else resolve(stdout);
    }),
  );
}

describe('the Nix files', () => {
  it('include the package, module, example and tests', () => {
    expect(nixFiles).toEqual(
      expect.arrayContaining([
        'package.nix',
        'module.nix',
        'options.nix',
        'units.nix',
        'settings.nix',
        'example/configuration.nix',
        'example/values.nix',
        'tests/agent-vm.nix',
        'tests/example-configs.nix',
      ]),
    );
  });

  it.each(nixFiles)('%s parses', async (file) => {
    expect(await nixInstantiate(['--parse', join(NIX_DIR, file)])).not.toBe('');
  });
});

describe('the configs the module writes', () => {
  let built: {
    agent: unknown;
    helper: unknown;
    example: { settings: { drive: object; push: unknown; publicUrl: unknown } };
  };
  beforeAll(async () => {
    const expression = join(NIX_DIR, 'tests/example-configs.nix');
    built = JSON.parse(await nixInstantiate(['--eval', '--strict', '--json', expression]));
  });

  it('are exactly the example JSON files', () => {
    expect(built.agent).toEqual(agentJson);
    expect(built.helper).toEqual(helperJson);
  });

  it('come from what the example configuration sets', () => {
    const { settings } = built.example;
    expect(settings.push).toEqual(agentJson.push);
    expect(settings.publicUrl).toBe(agentJson.publicUrl);
    // The example's UUID is a placeholder the schema refuses, so a copy cannot go live with it.
    expect(() =>
      parseConfig({ ...agentJson, drive: { ...agentJson.drive, ...settings.drive } }),
    ).toThrow(/config drive\.uuid: must be a UUID/);
  });

  it('are accepted by the agent, which refuses a key its schema lacks', () => {
    const config = parseConfig(agentJson);
    expect(config.listen).toEqual({ socket: '/run/immich-pi-agent/agent.sock' });
    expect(config.helper).toEqual({ socket: '/run/immich-pi-helper/helper.sock' });
    expect(config.backup.spoolDir).toBe('/var/spool/immich-pi-agent/backups');
    expect(config.push.subject).toBe('mailto:you@example.org');
    expect(() => parseConfig({ ...agentJson, quietHours: { start: '22:00' } })).toThrow(/config/);
  });

  it('give the helper the agent drive, mount unit, units and absolute tool paths', () => {
    const agent = parseConfig(agentJson);
    const helper = parseHelperConfig(helperJson);
    expect(helper.device).toBe(`/dev/disk/by-uuid/${agent.drive.uuid}`);
    expect(helper.mapperName).toBe(agent.drive.mapperName);
    expect(helper.mountUnit).toBe(mountUnitFor(agent.drive.mountPoint));
    expect(helper.units).toEqual(agent.units);
    expect(helper.backupUnit).toBe(agent.backupUnit);
    for (const tool of [helper.cryptsetup, helper.systemctl, helper.journalctl]) {
      expect(tool).toMatch(/^\/nix\/store\/[0-9a-z]{32}-[^/]+\/bin\/[a-z]+$/);
    }
    expect(() => parseHelperConfig({ ...helperJson, cryptsetup: 'cryptsetup' })).toThrow(
      /helper config cryptsetup: must be an absolute path/,
    );
  });
});

/** askHelper runs one helper request on the example helper config with a fake host. */
async function askHelper(frame: string) {
  const { host, deps } = fakeHost();
  const stdin = new PassThrough();
  stdin.end(frame);
  const answer = await runHelper(stdin, new PassThrough(), parseHelperConfig(helperJson), {
    deps,
    log: () => {},
  });
  return { answer, argvs: host.argvs() };
}

describe('the helper on the example config', () => {
  it('runs a listed unit with the module systemctl path', async () => {
    const { answer, argvs } = await askHelper('start postgresql.service\n');
    expect(answer).toEqual({ ok: true });
    expect(argvs).toEqual([[helperJson.systemctl, 'start', 'postgresql.service']]);
  });

  it('checks a passphrase with the module cryptsetup path and the drive by UUID', async () => {
    const { answer, argvs } = await askHelper('open\n4\nabcd');
    expect(answer).toEqual({ ok: true });
    expect(argvs.map((argv) => argv.slice(0, 2))).toEqual([
      [helperJson.cryptsetup, 'luksDump'],
      [helperJson.cryptsetup, 'open'],
    ]);
    expect(argvs[1]).toContain(helperJson.device);
  });

  it.each([
    ['a verb outside its list', 'reboot\n', 'unknown-verb'],
    ['a unit outside the config', 'start sshd.service\n', 'unit-not-allowed'],
    ['a shell in a unit name', 'start x;sh\n', 'bad-frame'],
  ])('refuses %s and runs nothing', async (_, frame, code) => {
    const { answer, argvs } = await askHelper(frame);
    expect(answer).toMatchObject({ ok: false, code });
    expect(argvs).toEqual([]);
  });
});

describe('the built agent on the example config', () => {
  it('starts and answers hello on its unix socket', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nix-agent-'));
    created.push(dir);
    const socket = join(dir, 'agent.sock');
    // Only the directories the Pi's units provide move to the temp dir; every other key is the file's.
    const agent = await startAgent(
      { configPath: join(NIX_DIR, 'example/agent-config.json') },
      {
        args: [
          ...['--socket', socket, '--admin-socket', join(dir, 'admin.sock')],
          ...['--state-dir', join(dir, 'state'), '--pwa-dir', PWA_DIR],
        ],
      },
    );
    expect(agent.url).toBe(`unix:${socket}`);
    const hello = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
      const req = request({ socketPath: socket, path: '/api/v1/hello' }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode, body }));
      });
      req.on('error', reject).end();
    });
    expect(hello.status).toBe(200);
    expect(JSON.parse(hello.body)).toMatchObject({ agentKey: expect.any(String) });
    await agent.stop();
  });
});
