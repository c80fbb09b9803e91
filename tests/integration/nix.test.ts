// The NixOS module evaluated against nixpkgs' own code (issue 10, tests/fixtures/nix-eval.ts):
// the example system evaluates with no failed assertion and writes exactly the example configs,
// which the agent and the helper accept; every assertion path; the VM test's machine; the package.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../agent/src/config.ts';
import { mountUnitFor } from '../../agent/src/domain/mount-unit.ts';
import { parseHelperConfig } from '../../agent/src/helper/config.ts';
import { PWA_DIR, REPO_ROOT, startAgent, stopAllAgents } from '../fixtures/agent-process.ts';
import { evalWith, type NixEval, openNixEval, withoutStorePaths } from '../fixtures/nix-eval.ts';

const NIX_DIR = join(REPO_ROOT, 'nix');
const nixFiles = (await readdir(NIX_DIR, { recursive: true }))
  .filter((name) => name.endsWith('.nix'))
  .sort();
const readJson = async (path: string) => JSON.parse(await readFile(join(NIX_DIR, path), 'utf8'));
const agentJson = await readJson('example/agent-config.json');
const helperJson = await readJson('example/helper-config.json');

let nix: NixEval;
const created: string[] = [];
beforeAll(async () => {
  nix = await openNixEval();
});
afterAll(async () => {
  await stopAllAgents();
  await nix?.remove();
  await Promise.all(created.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** The two JSON configs the module puts into /etc, parsed. */
const CONFIGS = `{
  failed = e.failed;
  warnings = e.config.warnings;
  agent = builtins.fromJSON (builtins.unsafeDiscardStringContext e.config.environment.etc."immich-pi-agent/config.json".source.jsonText);
  helper = builtins.fromJSON (builtins.unsafeDiscardStringContext e.config.environment.etc."immich-pi-agent/helper.json".source.jsonText);
}`;
type Configs = { failed: string[]; warnings: string[]; agent: unknown; helper: unknown };

describe('the Nix files', () => {
  it('include the package, module, example and VM test', () => {
    expect(nixFiles).toEqual(
      expect.arrayContaining([
        'package.nix',
        'module.nix',
        'options.nix',
        'units.nix',
        'settings.nix',
        'recovery.nix',
        'recovery-options.nix',
        'example/configuration.nix',
        'tests/agent-vm.nix',
      ]),
    );
  });

  it.each(nixFiles)('%s parses', async (file) => {
    expect(await nix.instantiate(['--parse', join(NIX_DIR, file)])).not.toBe('');
  });
});

describe('the example system (UUID filled in), against nixpkgs modules', () => {
  let configs: Configs;
  beforeAll(async () => {
    configs = await nix.evalJson<Configs>(evalWith('{ }', CONFIGS));
  });

  it('evaluates with no failed assertion and no warning', () => {
    expect(configs.failed).toEqual([]);
    expect(configs.warnings).toEqual([]);
  });

  it('warns when the seed’s backup timer block is left beside the module’s', async () => {
    // The seed's "60 minutes after boot and again every day", as a user who kept it has it.
    const seedTimer = `{ systemd.timers.immich-backup.timerConfig = { OnBootSec = "60min"; OnUnitActiveSec = "1d"; }; }`;
    const { failed, warnings } = await nix.evalJson<Configs>(evalWith(seedTimer, CONFIGS));
    expect(failed).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /systemd\.timers\.immich-backup has OnBootSec, OnUnitActiveSec beside the module's OnCalendar .*Delete that block/,
    );
  });

  it('writes exactly the example JSON files, store paths aside', () => {
    expect(withoutStorePaths(configs.agent)).toEqual(withoutStorePaths(agentJson));
    expect(withoutStorePaths(configs.helper)).toEqual(withoutStorePaths(helperJson));
  });

  it('gives configs the agent and the helper accept, naming the same drive and units', () => {
    const agent = parseConfig(configs.agent);
    const helper = parseHelperConfig(configs.helper);
    expect(agent.listen).toEqual({ socket: '/run/immich-pi-agent/agent.sock' });
    expect(agent.helper).toEqual({ socket: '/run/immich-pi-helper/helper.sock' });
    expect(agent.publicUrl).toBe('https://immich.tail1234.ts.net/');
    expect(helper.device).toBe(`/dev/disk/by-uuid/${agent.drive.uuid}`);
    expect(helper.mountUnit).toBe(mountUnitFor(agent.drive.mountPoint));
    expect(helper.units).toEqual(agent.units);
    expect(helper.backupUnit).toBe(agent.backupUnit);
    expect(helper.capUnits).toEqual(agent.guard.capUnits);
    for (const tool of [helper.cryptsetup, helper.systemctl, helper.journalctl]) {
      expect(tool).toMatch(/^\/nix\/store\/[0-9a-z]{32}-[^/]+\/bin\/[a-z]+$/);
    }
  });

  it('is refused by the agent while the UUID is the placeholder', async () => {
    const raw = await nix.evalJson<{ agent: { drive: object } }>({
      expr: `{ project }: let e = import @harness@/eval.nix { inherit project; }; in ${CONFIGS}`,
    });
    expect(() => parseConfig(raw.agent)).toThrow(/config drive\.uuid: must be a UUID/);
  });
});

describe('every assertion of the module', () => {
  /** failedWith answers the failed assertions of the filled example plus one change. */
  const failedWith = (module: string) => nix.evalJson<string[]>(evalWith(module, 'e.failed'));
  const serve = 'services.immich-pi-agent';

  it.each([
    [
      'no machine learning unit',
      '{ services.immich.machine-learning.enable = false; }',
      /immich-machine-learning\.service .* is not defined/,
    ],
    [
      'serve without tailscale',
      '{ lib, ... }: { services.tailscale.enable = lib.mkForce false; }',
      /tailscaleServe needs services\.tailscale\.enable/,
    ],
    [
      'a tailscale older than 1.94',
      '{ pkgs, ... }: { services.tailscale.package = pkgs.tailscale // { version = "1.92.3"; }; }',
      /needs tailscale 1\.94 or newer \(this system has 1\.92\.3\)/,
    ],
    [
      'serve without publicUrl',
      `{ lib, ... }: { ${serve}.settings.publicUrl = lib.mkForce null; }`,
      /tailscaleServe needs settings\.publicUrl/,
    ],
    [
      'serve with an http publicUrl',
      `{ lib, ... }: { ${serve}.settings.publicUrl = lib.mkForce "http://immich.local/"; }`,
      /tailscaleServe needs settings\.publicUrl/,
    ],
    [
      'serve with settings.listen',
      `{ ${serve}.settings.listen.port = 8080; }`,
      /leave settings\.listen unset/,
    ],
    [
      'logins without serve',
      `{ lib, ... }: { ${serve}.tailscaleServe = { enable = lib.mkForce false; allowedLogins = [ "a@b.c" ]; }; }`,
      /checks a header only `tailscale serve` sets/,
    ],
    [
      'logins in both places',
      `{ ${serve} = { tailscaleServe.allowedLogins = [ "a@b.c" ]; settings.security.allowedLogins = [ "d@e.f" ]; }; }`,
      /in tailscaleServe\.allowedLogins only/,
    ],
    [
      'a subject that is not mailto: or https:',
      `{ lib, ... }: { ${serve}.settings.push.subject = lib.mkForce "you@example.org"; }`,
      /push\.subject must be a mailto: address/,
    ],
    [
      'a stateDir of its own',
      `{ ${serve}.settings.stateDir = "/x"; }`,
      /leave stateDir, adminSocket and helper unset/,
    ],
    [
      'a guard resuming at its pause temperature',
      `{ ${serve}.settings.guard = { pauseC = 70; resumeC = 70; }; }`,
      /guard\.resumeC \(70\) must be below guard\.pauseC \(70\)/,
    ],
    [
      'a guard resuming above its pause temperature',
      `{ ${serve}.settings.guard.resumeC = 80; }`,
      /guard\.resumeC \(80\) must be below guard\.pauseC \(75\)/,
    ],
    [
      'a cap unit outside settings.units',
      `{ ${serve}.settings.guard.capUnits = [ "postgresql.service" "sshd.service" ]; }`,
      /guard\.capUnits must name only units of settings\.units/,
    ],
    [
      'an API key file off the drive',
      `{ ${serve}.settings.immich.apiKeyFile = "/etc/immich-pi-api-key"; }`,
      /immich\.apiKeyFile must be a file on the encrypted drive \(under \/mnt\/immich_drive\/\)/,
    ],
    [
      'a drive UUID that is not one',
      `{ lib, ... }: { ${serve}.settings.drive.uuid = lib.mkOverride 10 "sda1"; }`,
      /drive\.uuid must be the drive's LUKS UUID/,
    ],
  ])('fails with one message for %s', async (_, module, message) => {
    const failed = await failedWith(module);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(message);
  });

  it('writes the guard and Immich settings the agent accepts, and lets the helper cap the same units', async () => {
    const { failed, agent, helper } = await nix.evalJson<Configs>(
      evalWith(
        `{ ${serve}.settings = {
          drive.mountPoint = "/srv/photos";
          units = [ "postgresql.service" "immich-server.service" ];
          guard = { pauseC = 80; resumeC = 70.5; pauseHoldSeconds = 0; capPercent = 50; queues = [ "thumbnailGeneration" ]; };
          immich.pollSeconds = 10;
        }; }`,
        CONFIGS,
      ),
    );
    expect(failed).toEqual([]);
    const config = parseConfig(agent);
    expect(config.guard).toEqual({
      enabled: true,
      pauseC: 80,
      pauseHoldSeconds: 0,
      resumeC: 70.5,
      resumeHoldSeconds: 300,
      queues: ['thumbnailGeneration'],
      // The default follows settings.units: machine learning is not among them here.
      capUnits: ['immich-server.service'],
      capPercent: 50,
    });
    // The key's default follows the drive's mount point.
    expect(config.immich).toEqual({
      apiKeyFile: '/srv/photos/secrets/immich-pi-api-key',
      pollSeconds: 10,
    });
    expect(parseHelperConfig(helper).capUnits).toEqual(['immich-server.service']);
  });

  it.each([
    ['a pause temperature above 100', 'guard.pauseC = 101'],
    ['a fractional hold', 'guard.pauseHoldSeconds = 1.5'],
    ['a cap over four cores', 'guard.capPercent = 401'],
    ['no queue at all', 'guard.queues = [ ]'],
    ['a queue name with a dash', 'guard.queues = [ "face-detection" ]'],
    ['a poll under a second', 'immich.pollSeconds = 0.5'],
    ['a relative key file', 'immich.apiKeyFile = "secrets/key"'],
  ])('refuses %s by its type', async (_, setting) => {
    await expect(
      nix.evalJson(evalWith(`{ ${serve}.settings.${setting}; }`, CONFIGS)),
    ).rejects.toThrow(/is not of type/);
  });

  it('writes settings.listen whole (without serve), and the agent accepts it', async () => {
    const { failed, agent } = await nix.evalJson<Configs>(
      evalWith(
        `{ lib, ... }: { ${serve}.tailscaleServe.enable = lib.mkForce false; ${serve}.settings.listen = { host = "127.0.0.1"; port = 8080; }; }`,
        CONFIGS,
      ),
    );
    expect(failed).toEqual([]);
    expect(parseConfig(agent).listen).toEqual({ host: '127.0.0.1', port: 8080 });
  });

  it('writes the login allowlist once, from tailscaleServe.allowedLogins', async () => {
    const { failed, agent } = await nix.evalJson<Configs>(
      evalWith(`{ ${serve}.tailscaleServe.allowedLogins = [ "anna@example.org" ]; }`, CONFIGS),
    );
    expect(failed).toEqual([]);
    expect(parseConfig(agent).security.allowedLogins).toEqual(['anna@example.org']);
  });
});

describe('the machine of the VM test (nix/tests/agent-vm.nix)', () => {
  it('evaluates with the agent, its helper and the backup unit, and a config the agent takes', async () => {
    const machine = await nix.evalJson<{ failed: string[]; units: string[]; agentConfig: unknown }>(
      {
        file: 'vm-node.nix',
      },
    );
    expect(machine.failed).toEqual([]);
    expect(machine.units).toEqual(
      expect.arrayContaining([
        'immich-pi-agent.service',
        'immich-pi-helper.socket',
        'immich-pi-helper@.service',
        'immich-backup.service',
        'immich-backup.timer',
      ]),
    );
    expect(parseConfig(machine.agentConfig).name).toBe('vm-test');
  });
});

describe('the package (nix/package.nix with nixpkgs buildNpmPackage and importNpmLock)', () => {
  it('instantiates from nix/prebuilt with nothing for npm to fetch', async () => {
    const pkg = await nix.evalJson<{ drvPath: string; name: string; lock: { packages: object } }>({
      expr: `{ project }: let p = (import @harness@/npm/package-eval.nix { inherit project; }).pkg; in {
        inherit (p) drvPath name;
        lock = builtins.fromJSON p.npmDeps.packageLock;
      }`,
    });
    expect(pkg.drvPath).toMatch(/^\/nix\/store\/[0-9a-z]{32}-immich-pi-0\.1\.0\.drv$/);
    expect(pkg.name).toBe('immich-pi-0.1.0');
    expect(Object.keys(pkg.lock.packages)).toEqual(['']);
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
