// The NixOS module's restore drill and drive health (issue 14), evaluated against nixpkgs' own
// code: the verify unit and its timer as generated, the environment it shares with the backup
// unit, the drill spool, settings.recovery in the agent's config, the helper's health keys, each
// recovery assertion, and the nightly backup's calendar timer. Scores and `systemd-analyze verify`
// are in nix-units.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../agent/src/config.ts';
import { parseHelperConfig } from '../../agent/src/helper/config.ts';
import { evalWith, type NixEval, openNixEval } from '../fixtures/nix-eval.ts';

const serve = 'services.immich-pi-agent';
const VERIFY = 'immich-pi-verify-backup';
/** Another smartmontools than the default (the fixture's stand-in is 7.5). */
const SMARTMONTOOLS = `{ pkgs, ... }: { ${serve}.smartmontoolsPackage = pkgs.runCommand "smartmontools-7.6" { } ""; }`;

let nix: NixEval;
beforeAll(async () => {
  nix = await openNixEval();
});
afterAll(async () => {
  await nix?.remove();
});

type Drill = {
  failed: string[];
  service: string;
  timer: string;
  backup: string;
  backupTimer: string;
  tmpfiles: string[];
  agent: unknown;
};
/** drillWith evaluates the filled example plus `module` and answers the drill's generated parts. */
const drillWith = (module: string) =>
  nix.evalJson<Drill>(
    evalWith(
      module,
      `{
        failed = e.failed;
        service = e.unitTexts."${VERIFY}.service";
        timer = e.unitTexts."${VERIFY}.timer";
        backup = e.unitTexts."immich-backup.service";
        backupTimer = e.unitTexts."immich-backup.timer";
        tmpfiles = e.config.systemd.tmpfiles.rules;
        agent = builtins.fromJSON (builtins.unsafeDiscardStringContext e.config.environment.etc."immich-pi-agent/config.json".source.jsonText);
      }`,
    ),
  );
/** lines answers a unit text's `Key=value` lines. */
const lines = (text: string) => text.split('\n').filter((line) => /^[A-Za-z-]+=/.test(line));
/** values answers every value of one key in a unit text. */
const values = (text: string, key: string) =>
  lines(text)
    .filter((line) => line.startsWith(`${key}=`))
    .map((line) => line.slice(key.length + 1));

describe('the restore drill of the example system', () => {
  let drill: Drill;
  beforeAll(async () => {
    drill = await drillWith('{ }');
  });

  it('runs verify-backup as root, once, on the agent config, and never starves Immich', () => {
    expect(drill.failed).toEqual([]);
    const [execStart, ...more] = values(drill.service, 'ExecStart');
    expect(more).toEqual([]);
    expect(execStart).toMatch(
      /^\/nix\/store\/[0-9a-z]{32}-immich-pi-0\.1\.0\/libexec\/immich-pi\/immich-pi-verify-backup --config \/nix\/store\/[0-9a-z]{32}-immich-pi-agent\.json$/,
    );
    for (const line of ['Type=oneshot', 'User=root', 'Nice=19', 'IOSchedulingClass=idle']) {
      expect(lines(drill.service)).toContain(line);
    }
    // A little above the program's own limit (120 minutes), which records the drill as failed.
    expect(values(drill.service, 'TimeoutStartSec')).toEqual(['135min']);
    // The program records a locked drive itself; no condition skips it silently.
    expect(drill.service).not.toMatch(/ConditionPathIsMountPoint|ExecStartPre/);
    // Stopped before the drive is unmounted by a lock.
    expect(values(drill.service, 'PartOf')).toEqual(['mnt-immich_drive.mount']);
  });

  it('writes only the drive, its spool and the lock directory', () => {
    expect(values(drill.service, 'ProtectSystem')).toEqual(['strict']);
    expect(values(drill.service, 'ReadWritePaths')).toEqual([
      '-/mnt/immich_drive',
      '/var/spool/immich-pi-agent/drills',
      '/run/immich-pi-backup-lock',
    ]);
  });

  it('has the backup unit’s environment for rustic, and a PATH of its own', () => {
    for (const key of ['CacheDirectory']) {
      expect(values(drill.service, key)).toEqual(values(drill.backup, key));
    }
    const environment = (text: string) =>
      values(text, 'Environment').filter((line) => !line.startsWith('"PATH='));
    expect(environment(drill.service)).toEqual(environment(drill.backup));
    expect(environment(drill.service)).toContain('"XDG_CACHE_HOME=/var/cache"');
    expect(values(drill.service, 'Environment').filter((l) => l.startsWith('"PATH='))).toHaveLength(
      1,
    );
  });

  it('is started monthly by a persistent timer, a few hours spread', () => {
    for (const line of [
      'OnCalendar=monthly',
      'Persistent=true',
      'RandomizedDelaySec=4h',
      `Unit=${VERIFY}.service`,
      'WantedBy=timers.target',
    ]) {
      expect(lines(drill.timer)).toContain(line);
    }
  });

  it('starts the nightly backup on the calendar, so "Back up now" on a real Pi never moves it', () => {
    // The seed's timer counted from the last run (OnUnitActiveSec): a manual start moved the next
    // night's run by as much, and the app says so when it sees that. The module's does not; its
    // random delay (under the app's hour) is not a move.
    for (const line of [
      'OnCalendar=daily',
      'Persistent=true',
      'RandomizedDelaySec=30min',
      'Unit=immich-backup.service',
    ]) {
      expect(lines(drill.backupTimer)).toContain(line);
    }
    expect(drill.backupTimer).not.toMatch(/^On(UnitActive|UnitInactive|Boot|Startup|Active)Sec=/m);
  });

  it('has a spool the agent’s group may read and only root may write, and a lock directory', () => {
    expect(drill.tmpfiles).toContain(
      "d '/var/spool/immich-pi-agent/drills' 2750 root immich-pi-agent - ",
    );
    expect(drill.tmpfiles).toContain("d '/run/immich-pi-backup-lock' 0700 root root - ");
  });

  it('gives the agent settings.recovery, naming the module’s units', () => {
    expect(parseConfig(drill.agent).recovery).toMatchObject({
      verifyUnit: `${VERIFY}.service`,
      verifyTimer: `${VERIFY}.timer`,
      spoolDir: '/var/spool/immich-pi-agent/drills',
      dumpsDir: '/mnt/immich_drive/immich_data/backups',
      lockFile: '/run/immich-pi-backup-lock/backup.lock',
      drillTimeoutMinutes: 120,
      sampleFiles: 20,
      readDataSubset: '5%',
    });
  });
});

describe('the restore drill with other settings', () => {
  it('follows a backup unit’s environment file, credentials and variables', async () => {
    const drill = await drillWith(`{
      systemd.services.immich-backup = {
        environment.RUSTIC_PASSWORD_FILE = "/run/credentials/immich-backup.service/rustic";
        serviceConfig.EnvironmentFile = "/etc/rustic/cloud.env";
        serviceConfig.LoadCredential = [ "rustic:/etc/rustic/password" ];
      };
    }`);
    expect(drill.failed).toEqual([]);
    expect(values(drill.service, 'EnvironmentFile')).toEqual(['/etc/rustic/cloud.env']);
    expect(values(drill.service, 'LoadCredential')).toEqual(['rustic:/etc/rustic/password']);
    expect(values(drill.service, 'Environment')).toContain(
      '"RUSTIC_PASSWORD_FILE=/run/credentials/immich-backup.service/rustic"',
    );
  });

  it('takes its calendar, its time limit and its paths from the options', async () => {
    const drill = await drillWith(`{ ${serve} = {
      verifyOnCalendar = "Sun *-*-1..7 04:00:00";
      settings.drive.mountPoint = "/srv/photos";
      settings.recovery = { drillTimeoutMinutes = 30; spoolDir = "/var/spool/drills"; readDataSubset = "1/12"; };
    }; }`);
    expect(drill.failed).toEqual([]);
    expect(values(drill.timer, 'OnCalendar')).toEqual(['Sun *-*-1..7 04:00:00']);
    expect(values(drill.service, 'TimeoutStartSec')).toEqual(['45min']);
    expect(values(drill.service, 'ReadWritePaths')).toContain('-/srv/photos');
    expect(drill.tmpfiles).toContain("d '/var/spool/drills' 2750 root immich-pi-agent - ");
    // The dumps' default follows the drive.
    expect(parseConfig(drill.agent).recovery).toMatchObject({
      dumpsDir: '/srv/photos/immich_data/backups',
      spoolDir: '/var/spool/drills',
      readDataSubset: '1/12',
    });
  });
});

describe("the helper's drive health keys", () => {
  const helperWith = (module: string) =>
    nix.evalJson<Record<string, unknown>>(
      evalWith(
        module,
        'builtins.fromJSON (builtins.unsafeDiscardStringContext e.config.environment.etc."immich-pi-agent/helper.json".source.jsonText)',
      ),
    );

  it('name smartctl by its store path, the drill unit and the dumps, as the helper parses them', async () => {
    const helper = await helperWith('{ }');
    expect(helper.smartctl).toMatch(
      /^\/nix\/store\/[0-9a-z]{32}-smartmontools-7\.5\/bin\/smartctl$/,
    );
    expect(helper.verifyUnit).toBe(`${VERIFY}.service`);
    expect(helper.dumpsDir).toBe('/mnt/immich_drive/immich_data/backups');
    const parsed = parseHelperConfig(helper);
    expect(parsed).toMatchObject({ smartctl: helper.smartctl, verifyUnit: `${VERIFY}.service` });
    expect(parsed.device).toMatch(/^\/dev\/disk\/by-uuid\//);
  });

  it('follow the recovery settings and smartmontoolsPackage', async () => {
    const helper = await helperWith(
      `{ imports = [ (${SMARTMONTOOLS}) ]; ${serve}.settings.recovery.dumpsDir = "/mnt/immich_drive/dumps"; }`,
    );
    expect(helper.smartctl).toMatch(/-smartmontools-7\.6\/bin\/smartctl$/);
    expect(helper.dumpsDir).toBe('/mnt/immich_drive/dumps');
  });
});

describe('the recovery assertions', () => {
  const recovery = `${serve}.settings.recovery`;
  it.each([
    ['dumps off the drive', `${recovery}.dumpsDir = "/var/backups/immich"`, /dumpsDir must be/],
    [
      'dumps at a drive with a like-named neighbour',
      `${recovery}.dumpsDir = "/mnt/immich_drive2/backups"`,
      /dumpsDir must be Immich's dump directory on the drive \(under \/mnt\/immich_drive\/\)/,
    ],
    [
      'a spool on the drive',
      `${recovery}.spoolDir = "/mnt/immich_drive/drills"`,
      /spoolDir must not be on the drive/,
    ],
    [
      'the backup reports’ spool',
      `${recovery}.spoolDir = "/var/spool/immich-pi-agent/backups"`,
      /spoolDir must be a directory of its own/,
    ],
    ['a drill cut off at once', `${recovery}.drillTimeoutMinutes = 5`, /\(5\) must be at least 10/],
    [
      'a verify unit of its own',
      `${recovery}.verifyUnit = "x.service"`,
      /leave verifyUnit and verifyTimer unset/,
    ],
  ])('fails with one message for %s', async (_, setting, message) => {
    const failed = await nix.evalJson<string[]>(evalWith(`{ ${setting}; }`, 'e.failed'));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(message);
  });

  it.each([
    ['more than 500 sample files', 'sampleFiles = 501'],
    ['a day-long drill and more', 'drillTimeoutMinutes = 1441'],
    ['a subset that is no share, part or size', 'readDataSubset = "all"'],
    ['a lock file straight in /run', 'lockFile = "/run/backup.lock"'],
    ['a relative spool', 'spoolDir = "drills"'],
    ['dumps stale under an hour', 'dumpMaxAgeHours = 0.5'],
  ])('refuses %s by its type', async (_, setting) => {
    await expect(
      nix.evalJson(
        evalWith(
          `{ ${recovery}.${setting}; }`,
          'e.config.environment.etc."immich-pi-agent/config.json".source.jsonText',
        ),
      ),
    ).rejects.toThrow(/is not of type/);
  });
});
