// The helper's recovery verbs on the fake host: start-drill, drive-health (the disk found through
// /dev and sysfs, smartctl's bit-mask exit status kept, -d sat retried) and list-dumps.
import { describe, expect, it } from 'vitest';
import { answerLine, MAX_SMART_OUTPUT_CHARS, parseAnswerLine } from './answers.ts';
import { config, fakeHost } from './helper.fixtures.ts';
import { runVerb } from './verbs.ts';

const SMART = ['/run/current-system/sw/bin/smartctl', '--json', '-H', '-A', '-i'];
const HEALTHY = JSON.stringify({ smart_status: { passed: true }, smartctl: { exit_status: 0 } });
const UNKNOWN_BRIDGE = JSON.stringify({
  smartctl: { messages: [{ string: '/dev/sda: Unknown USB bridge', severity: 'error' }] },
});

describe('helper start-drill', () => {
  it("starts the config's verify unit without waiting, and says why it failed with its journal", async () => {
    const { host, deps } = fakeHost();
    expect(await runVerb({ verb: 'start-drill' }, config, deps)).toEqual({ ok: true });
    expect(host.argvs()).toEqual([
      ['/bin/systemctl', 'start', '--no-block', 'immich-pi-verify-backup.service'],
    ]);
    host.outcomes.set('systemctl', { code: 5 });
    expect(await runVerb({ verb: 'start-drill' }, config, deps)).toMatchObject({
      ok: false,
      code: 'unit-failed',
      logLines: ['line one', 'line two'],
    });
  });
});

describe('helper drive-health', () => {
  it('runs smartctl on the whole disk behind the by-uuid link, once when SMART came through', async () => {
    const { host, deps } = fakeHost();
    host.outcomes.set('smartctl', { stdout: HEALTHY });
    expect(await runVerb({ verb: 'drive-health' }, config, deps)).toEqual({
      ok: true,
      smart: { exitStatus: 0, output: HEALTHY, deviceType: 'auto' },
    });
    expect(host.argvs()).toEqual([[...SMART, '/dev/sda']]);
  });

  it('keeps a failing exit status (bit 3) and its output: findings, not a failure', async () => {
    const { host, deps } = fakeHost();
    const failing = JSON.stringify({ smart_status: { passed: false } });
    host.outcomes.set('smartctl', { code: 8 | 16, stdout: failing });
    expect(await runVerb({ verb: 'drive-health' }, config, deps)).toEqual({
      ok: true,
      smart: { exitStatus: 24, output: failing, deviceType: 'auto' },
    });
    expect(host.argvs()).toHaveLength(1);
  });

  it('tries -d sat when smartctl could not ask the disk, and answers that try if it got SMART', async () => {
    const { host, deps } = fakeHost();
    let call = 0;
    const runCommand = deps.runCommand;
    deps.runCommand = async (argv, options) => {
      host.outcomes.set(
        'smartctl',
        call++ === 0 ? { code: 1, stdout: UNKNOWN_BRIDGE } : { stdout: HEALTHY },
      );
      return runCommand(argv, options);
    };
    expect(await runVerb({ verb: 'drive-health' }, config, deps)).toEqual({
      ok: true,
      smart: { exitStatus: 0, output: HEALTHY, deviceType: 'sat' },
    });
    expect(host.argvs()).toEqual([
      [...SMART, '/dev/sda'],
      [...SMART, '-d', 'sat', '/dev/sda'],
    ]);
  });

  it('answers the first try when -d sat got no SMART either (the adapter passes none)', async () => {
    const { host, deps } = fakeHost();
    host.outcomes.set('smartctl', { code: 1, stdout: UNKNOWN_BRIDGE });
    expect(await runVerb({ verb: 'drive-health' }, config, deps)).toEqual({
      ok: true,
      smart: { exitStatus: 1, output: UNKNOWN_BRIDGE, deviceType: 'auto' },
    });
    expect(host.argvs()).toHaveLength(2);
  });

  it('finds an NVMe disk and a LUKS device on a whole disk', async () => {
    const nvme = fakeHost();
    nvme.host.disk.links.set(config.device, '../../nvme0n1p1');
    nvme.host.disk.links.set(
      '/sys/class/block/nvme0n1p1',
      '../../devices/pci0/nvme/nvme0/nvme0n1/nvme0n1p1',
    );
    for (const path of [
      '/sys/class/block/nvme0n1p1',
      '/sys/class/block/nvme0n1p1/partition',
      '/sys/class/block/nvme0n1',
      '/sys/devices/pci0/nvme/nvme0/nvme0n1/nvme0n1p1',
    ])
      nvme.host.disk.present.add(path);
    nvme.host.outcomes.set('smartctl', { stdout: HEALTHY });
    await runVerb({ verb: 'drive-health' }, config, nvme.deps);
    expect(nvme.host.argvs()).toEqual([[...SMART, '/dev/nvme0n1']]);

    const whole = fakeHost();
    whole.host.disk.links.set(config.device, '../../sda');
    whole.host.outcomes.set('smartctl', { stdout: HEALTHY });
    await runVerb({ verb: 'drive-health' }, config, whole.deps);
    expect(whole.host.argvs()).toEqual([[...SMART, '/dev/sda']]);
  });

  it('answers no-disk, running nothing, when the link is gone or leads outside /dev', async () => {
    const gone = fakeHost();
    gone.host.disk.links.delete(config.device);
    expect(await runVerb({ verb: 'drive-health' }, config, gone.deps)).toMatchObject({
      code: 'no-disk',
    });
    const outside = fakeHost();
    outside.host.disk.links.set(config.device, '/tmp/sda1');
    expect(await runVerb({ verb: 'drive-health' }, config, outside.deps)).toMatchObject({
      code: 'no-disk',
    });
    expect([...gone.host.argvs(), ...outside.host.argvs()]).toEqual([]);
  });

  it('answers smartctl-missing, timeout and command-failed', async () => {
    const { host, deps } = fakeHost();
    host.outcomes.set('smartctl', { missing: true });
    expect(await runVerb({ verb: 'drive-health' }, config, deps)).toMatchObject({
      code: 'smartctl-missing',
    });
    host.outcomes.set('smartctl', { timedOut: true });
    expect(await runVerb({ verb: 'drive-health' }, config, deps)).toMatchObject({
      code: 'timeout',
    });
  });

  it('cuts a huge output so the answer line stays under the client cap and still validates', async () => {
    const { host, deps } = fakeHost();
    host.outcomes.set('smartctl', { stdout: `{"smart_status":${'"\\n\u0001'.repeat(40_000)}` });
    const answer = await runVerb({ verb: 'drive-health' }, config, deps);
    const line = answerLine(answer);
    expect(Buffer.byteLength(line)).toBeLessThan(64 * 1024);
    expect(parseAnswerLine(line)).toEqual(answer);
    if (!('smart' in answer)) throw new Error('no smart');
    expect(answer.smart.output.length).toBeLessThanOrEqual(MAX_SMART_OUTPUT_CHARS);
  });
});

describe('helper list-dumps', () => {
  it("answers the directory's dumps, none when it is missing, and refuses an unreadable one", async () => {
    const { host, deps } = fakeHost();
    expect(await runVerb({ verb: 'list-dumps' }, config, deps)).toEqual({ ok: true, dumps: [] });
    const dumps = [{ name: 'immich-db-backup-1764900000000.sql.gz', bytes: 30, mtimeMs: 1 }];
    host.dumps = { kind: 'ok', dumps };
    expect(await runVerb({ verb: 'list-dumps' }, config, deps)).toEqual({ ok: true, dumps });
    host.dumps = { kind: 'denied' };
    expect(await runVerb({ verb: 'list-dumps' }, config, deps)).toMatchObject({
      ok: false,
      code: 'command-failed',
    });
  });

  it('validates only dump names on the agent side', () => {
    const bad = { ok: true, dumps: [{ name: '../../etc/shadow', bytes: 1, mtimeMs: 1 }] };
    expect(parseAnswerLine(JSON.stringify(bad))).toBeNull();
  });
});
