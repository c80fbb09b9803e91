import { describe, expect, it } from 'vitest';
import { config, fakeHost, luksDumpJson } from './helper.fixtures.ts';
import { kdfMemoryKiB } from './kdf-memory.ts';
import { runVerb } from './verbs.ts';

const DEVICE = config.device;
const LUKS_DUMP = ['/bin/cryptsetup', 'luksDump', '--dump-json-metadata', DEVICE];
const OPEN = ['/bin/cryptsetup', 'open', '--type', 'luks2', '--key-file=-', DEVICE, 'immich_drive'];
const STATUS = ['/bin/cryptsetup', 'status', 'immich_drive'];

const secret = () => new TextEncoder().encode('correct horse battery staple');
const isZeroed = (bytes: Uint8Array) => bytes.every((byte) => byte === 0);

function setup() {
  const { host, deps } = fakeHost();
  const open = async () => {
    const passphrase = secret();
    const answer = await runVerb({ verb: 'open', passphrase }, config, deps);
    expect(isZeroed(passphrase)).toBe(true);
    return answer;
  };
  return { host, deps, open };
}

describe('helper open', () => {
  it('checks the KDF cost, then opens with the bytes on stdin only, and clears the failures', async () => {
    const { host, open } = setup();
    host.record = { bootId: 'boot-a', failures: [999_000] };
    expect(await open()).toEqual({ ok: true });
    expect(host.argvs()).toEqual([LUKS_DUMP, OPEN]);
    // The passphrase goes to cryptsetup open's stdin and nowhere else.
    expect(host.calls.filter((call) => call.stdin !== null).map((call) => call.argv)).toEqual([
      OPEN,
    ]);
    expect(host.calls[1]?.stdin).toEqual(secret());
    expect(host.record).toEqual({ bootId: 'boot-a', failures: [] });
    expect(host.lockHeld).toBe(false);
  });

  it('writes no record when it opens with no failure counted (no fsync on the way)', async () => {
    const { host, open } = setup();
    host.record = { bootId: 'boot-old', failures: [5000] };
    expect(await open()).toEqual({ ok: true });
    expect(host.record).toEqual({ bootId: 'boot-old', failures: [5000] });
  });

  it('counts a wrong passphrase by uptime and says how many tries are left', async () => {
    const { host, open } = setup();
    host.outcomes.set('open', { code: 2 });
    expect(await open()).toEqual({
      ok: false,
      code: 'wrong-passphrase',
      message: 'the passphrase is wrong',
      triesLeft: 4,
    });
    expect(host.record).toEqual({ bootId: 'boot-a', failures: [1_000_250] });
  });

  it('refuses the sixth wrong passphrase in 15 minutes without running anything', async () => {
    const { host, open } = setup();
    host.outcomes.set('open', { code: 2 });
    const triesLeft: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      host.setUptime(1000 + i * 60);
      triesLeft.push(((await open()) as { triesLeft?: number }).triesLeft);
    }
    expect(triesLeft).toEqual([4, 3, 2, 1, 0]);
    host.calls.length = 0;
    host.setUptime(1000 + 4 * 60 + 1);
    expect(await open()).toEqual({
      ok: false,
      code: 'unlock-rate-limited',
      message: 'too many wrong passphrases; wait before trying again',
      retryAfterSeconds: 15 * 60 - 4 * 60 - 1,
    });
    expect(host.argvs()).toEqual([]);
    // A reboot (new boot id) starts a new count: uptime restarted, old times mean nothing.
    host.files.set('/proc/sys/kernel/random/boot_id', 'boot-b\n');
    host.outcomes.set('open', { code: 0 });
    expect(await open()).toEqual({ ok: true });
  });

  it('refuses when MemAvailable is below the Argon2 cost plus 256 MiB, before the KDF runs', async () => {
    const { host, open } = setup();
    host.outcomes.set('luksDump', { stdout: luksDumpJson(65_536, 1_048_576) });
    host.files.set('/proc/meminfo', `MemAvailable:    ${1_048_576 + 262_143} kB\n`);
    expect(await open()).toMatchObject({ ok: false, code: 'insufficient-memory' });
    expect(host.argvs()).toEqual([LUKS_DUMP]);
    host.files.set('/proc/meminfo', `MemAvailable:    ${1_048_576 + 262_144} kB\n`);
    expect(await open()).toEqual({ ok: true });
  });

  it('answers drive-missing when the header cannot be read for want of a device', async () => {
    const { host, open } = setup();
    host.outcomes.set('luksDump', { code: 4 });
    expect(await open()).toMatchObject({ ok: false, code: 'drive-missing' });
    expect(host.argvs()).toEqual([LUKS_DUMP]);
  });

  it.each([
    [3, 'insufficient-memory'],
    [4, 'drive-missing'],
    [1, 'command-failed'],
  ])('maps cryptsetup open exit %i to %s', async (code, expected) => {
    const { host, open } = setup();
    host.outcomes.set('open', { code });
    expect(await open()).toMatchObject({ ok: false, code: expected });
    expect(host.record).toBeNull(); // only a wrong passphrase counts
  });

  it('calls an already open mapping fine only when cryptsetup status shows its device', async () => {
    const { host, open } = setup();
    host.outcomes.set('open', { code: 5 });
    expect(await open()).toEqual({ ok: true, alreadyOpen: true });
    expect(host.argvs()).toEqual([LUKS_DUMP, OPEN, STATUS]);
    expect(host.calls[2]?.stdin).toBeNull();
    host.outcomes.set('status', {
      stdout: '/dev/mapper/immich_drive is active.\n  device:  (null)\n',
    });
    expect(await open()).toMatchObject({ ok: false, code: 'drive-missing' });
  });

  it('answers kdf-busy while another helper holds the KDF lock, without opening', async () => {
    const { host, open } = setup();
    host.lockHeld = true;
    expect(await open()).toMatchObject({ ok: false, code: 'kdf-busy' });
    expect(host.argvs()).toEqual([LUKS_DUMP]);
  });

  it('answers timeout when cryptsetup runs past kdfSeconds, and releases the lock', async () => {
    const { host, open } = setup();
    host.outcomes.set('open', { timedOut: true });
    expect(await open()).toMatchObject({ ok: false, code: 'timeout' });
    expect(host.lockHeld).toBe(false);
  });

  it('zeroes the passphrase even when reading the clock throws', async () => {
    const { host, deps } = setup();
    host.files.delete('/proc/uptime');
    const passphrase = secret();
    await expect(runVerb({ verb: 'open', passphrase }, config, deps)).rejects.toThrow(/uptime/);
    expect(isZeroed(passphrase)).toBe(true);
    expect(host.argvs()).toEqual([]);
  });
});

describe('helper check', () => {
  const CHECK = [
    '/bin/cryptsetup',
    'open',
    '--test-passphrase',
    '--type',
    'luks2',
    '--key-file=-',
    DEVICE,
  ];
  const check = async (deps: ReturnType<typeof fakeHost>['deps']) => {
    const passphrase = secret();
    const answer = await runVerb({ verb: 'check', passphrase }, config, deps);
    expect(isZeroed(passphrase)).toBe(true);
    return answer;
  };

  it('asks cryptsetup to test the passphrase from stdin, mapping nothing, under the KDF lock', async () => {
    const { host, deps } = setup();
    expect(await check(deps)).toEqual({ ok: true });
    expect(host.argvs()).toEqual([LUKS_DUMP, CHECK]);
    expect(host.calls[1]?.stdin).toEqual(secret());
    expect(host.lockHeld).toBe(false);
  });

  it('counts a wrong passphrase in the same record as open, and refuses once it is spent', async () => {
    const { host, deps } = setup();
    host.outcomes.set('open', { code: 2 });
    expect(await check(deps)).toMatchObject({ code: 'wrong-passphrase', triesLeft: 4 });
    host.record = { bootId: 'boot-a', failures: [1, 2, 3, 4, 5].map((n) => 999_000 + n) };
    host.calls.length = 0;
    expect(await check(deps)).toMatchObject({ code: 'unlock-rate-limited' });
    expect(host.calls).toEqual([]);
  });

  it('answers drive-missing, and never reads a busy mapping as "already open"', async () => {
    const { host, deps } = setup();
    host.outcomes.set('open', { code: 4 });
    expect(await check(deps)).toMatchObject({ ok: false, code: 'drive-missing' });
    host.outcomes.set('open', { code: 5 });
    expect(await check(deps)).toMatchObject({ ok: false, code: 'command-failed' });
    expect(host.argvs()).not.toContainEqual(STATUS);
  });
});

describe('helper tries', () => {
  it('answers how long ago each failure of the window was, running nothing and writing nothing', async () => {
    const { host, deps } = setup();
    // Uptime is 1000.25 s: the failure at 50.25 s left the 15-minute window, three are in it.
    host.record = { bootId: 'boot-a', failures: [50_250, 200_250, 900_250, 999_250] };
    expect(await runVerb({ verb: 'tries' }, config, deps)).toEqual({
      ok: true,
      failureAgesMs: [800_000, 100_000, 1_000],
    });
    expect(host.argvs()).toEqual([]);
    expect(host.record).toEqual({
      bootId: 'boot-a',
      failures: [50_250, 200_250, 900_250, 999_250],
    });
  });

  it('counts nothing from an earlier boot', async () => {
    const { host, deps } = setup();
    host.record = { bootId: 'boot-old', failures: [999_000] };
    expect(await runVerb({ verb: 'tries' }, config, deps)).toEqual({ ok: true, failureAgesMs: [] });
  });
});

describe('helper close, start, stop, start-backup', () => {
  it('closes the mapping; one that is not open is fine, a busy one is not', async () => {
    const { host, deps } = setup();
    expect(await runVerb({ verb: 'close' }, config, deps)).toEqual({ ok: true });
    host.outcomes.set('close', { code: 4 });
    expect(await runVerb({ verb: 'close' }, config, deps)).toEqual({ ok: true });
    host.outcomes.set('close', { code: 5 });
    expect(await runVerb({ verb: 'close' }, config, deps)).toEqual({
      ok: false,
      code: 'command-failed',
      message: 'the drive is still in use',
    });
    expect(host.argvs()).toEqual(Array(3).fill(['/bin/cryptsetup', 'close', 'immich_drive']));
  });

  it('starts and stops configured units with fixed argv', async () => {
    const { host, deps } = setup();
    for (const unit of ['mnt-immich_drive.mount', 'postgresql.service', 'immich-backup.service']) {
      expect(await runVerb({ verb: 'start', unit }, config, deps)).toEqual({ ok: true });
    }
    expect(await runVerb({ verb: 'stop', unit: 'immich-server.service' }, config, deps)).toEqual({
      ok: true,
    });
    expect(await runVerb({ verb: 'start-backup' }, config, deps)).toEqual({ ok: true });
    expect(host.argvs()).toEqual([
      ['/bin/systemctl', 'start', 'mnt-immich_drive.mount'],
      ['/bin/systemctl', 'start', 'postgresql.service'],
      ['/bin/systemctl', 'start', 'immich-backup.service'],
      ['/bin/systemctl', 'stop', 'immich-server.service'],
      ['/bin/systemctl', 'start', '--no-block', 'immich-backup.service'],
    ]);
  });

  it('answers a failed start with the unit journal lines', async () => {
    const { host, deps } = setup();
    host.outcomes.set('systemctl', { code: 1 });
    expect(await runVerb({ verb: 'start', unit: 'immich-server.service' }, config, deps)).toEqual({
      ok: false,
      code: 'unit-failed',
      message: 'the unit failed to start',
      logLines: ['line one', 'line two'],
    });
    expect(host.argvs()[1]).toEqual([
      '/bin/journalctl',
      '-u',
      'immich-server.service',
      '-n',
      '20',
      '--no-pager',
      '-o',
      'cat',
    ]);
  });

  it('refuses a unit outside its config without running anything', async () => {
    const { host, deps } = setup();
    for (const unit of ['sshd.service', 'immich-server', 'mnt-other.mount']) {
      expect(await runVerb({ verb: 'start', unit }, config, deps)).toMatchObject({
        ok: false,
        code: 'unit-not-allowed',
      });
      expect(await runVerb({ verb: 'stop', unit }, config, deps)).toMatchObject({
        code: 'unit-not-allowed',
      });
    }
    expect(host.argvs()).toEqual([]);
  });
});

describe('helper set-cpu-quota', () => {
  const quota = (unit: string, percent: number | null) =>
    ({ verb: 'set-cpu-quota', unit, percent }) as const;

  it('caps and uncaps a cap unit for this boot only, with fixed argv', async () => {
    const { host, deps } = setup();
    expect(await runVerb(quota('immich-server.service', 80), config, deps)).toEqual({ ok: true });
    expect(await runVerb(quota('immich-machine-learning.service', 400), config, deps)).toEqual({
      ok: true,
    });
    expect(await runVerb(quota('immich-server.service', null), config, deps)).toEqual({ ok: true });
    expect(host.argvs()).toEqual([
      ['/bin/systemctl', 'set-property', '--runtime', 'immich-server.service', 'CPUQuota=80%'],
      [
        '/bin/systemctl',
        'set-property',
        '--runtime',
        'immich-machine-learning.service',
        'CPUQuota=400%',
      ],
      ['/bin/systemctl', 'set-property', '--runtime', 'immich-server.service', 'CPUQuota='],
    ]);
  });

  it('refuses a unit it may start but not cap, or one outside its config, running nothing', async () => {
    const { host, deps } = setup();
    for (const unit of [
      'postgresql.service',
      'mnt-immich_drive.mount',
      'immich-backup.service',
      'sshd.service',
      'immich-server',
    ]) {
      expect(await runVerb(quota(unit, 50), config, deps)).toEqual({
        ok: false,
        code: 'unit-not-allowed',
        message: 'that unit is not in the helper config',
      });
    }
    expect(host.argvs()).toEqual([]);
  });

  it('refuses a percent that no frame carries, should a caller skip parseFrame', async () => {
    const { host, deps } = setup();
    for (const percent of [0, 401, 12.5, -1, Number.NaN]) {
      expect(await runVerb(quota('immich-server.service', percent), config, deps)).toMatchObject({
        code: 'bad-frame',
      });
    }
    expect(host.argvs()).toEqual([]);
  });

  it('answers command-failed or timeout when systemctl fails, in fixed words', async () => {
    const { host, deps } = setup();
    host.outcomes.set('systemctl', { code: 1 });
    expect(await runVerb(quota('immich-server.service', 50), config, deps)).toEqual({
      ok: false,
      code: 'command-failed',
      message: 'systemctl set-property failed',
    });
    host.outcomes.set('systemctl', { timedOut: true });
    expect(await runVerb(quota('immich-server.service', 50), config, deps)).toMatchObject({
      ok: false,
      code: 'timeout',
    });
    // No journal read: a refused property change is systemd's answer, not the unit's log.
    expect(host.argvs().map((argv) => argv[0])).toEqual(['/bin/systemctl', '/bin/systemctl']);
  });
});

describe('kdfMemoryKiB', () => {
  it('takes the largest Argon2 cost, PBKDF2 costing none, and refuses what is not a dump', () => {
    expect(kdfMemoryKiB(luksDumpJson(8192, 1_048_576))).toBe(1_048_576);
    const pbkdf2 = { keyslots: { 0: { type: 'luks2', kdf: { type: 'pbkdf2', hash: 'sha256' } } } };
    expect(kdfMemoryKiB(JSON.stringify(pbkdf2))).toBe(0);
    expect(kdfMemoryKiB('not json')).toBeNull();
    expect(kdfMemoryKiB('{"keyslots": 3}')).toBeNull();
  });
});
