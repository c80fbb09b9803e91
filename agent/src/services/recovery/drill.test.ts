import { copyFile, mkdir, mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../../adapters/run-command.ts';
import type { RunCommand } from '../../ports.ts';
import { type DrillConfig, type DrillPorts, runDrill, scratchDir } from './drill.ts';

const MP = '/mnt/immich_drive';
const DATA = `${MP}/immich_data`;
const DUMP = `${DATA}/backups/immich-db-backup-20261203T020000-v1.130.3-pg14.13.sql.gz`;
const MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
const SQL = '--\n-- PostgreSQL database cluster dump\n--\n\nSET x = 1;\n';

type Mode = 'ok' | 'corrupt' | 'fail' | 'hang' | 'truncate-dump' | 'check-fails' | 'no-dump';

async function drive(mode: Mode) {
  const root = await mkdtemp(join(tmpdir(), 'drill-'));
  const paths: string[] = [];
  for (let i = 0; i < 30; i++) paths.push(`${DATA}/library/admin/2026/IMG_${i}.jpg`);
  for (const p of paths) {
    await mkdir(join(root, p, '..'), { recursive: true });
    await writeFile(join(root, p), `photo ${p} `.repeat(50));
  }
  if (mode !== 'no-dump') {
    await mkdir(join(root, DATA, 'backups'), { recursive: true });
    await writeFile(join(root, DUMP), gzipSync(SQL.repeat(100)));
    paths.push(DUMP);
  }
  const argvs: string[][] = [];
  let restores = 0;
  const run: RunCommand = async (argv, options) => {
    argvs.push([...argv]);
    const verb = argv[1];
    const fail = (msg: string) => {
      throw new CommandError('rustic failed', {
        argv,
        exitCode: 1,
        signal: null,
        stderr: `${msg}\nmore`,
      });
    };
    if (verb === 'check' && mode === 'check-fails') fail('error: pack 1a2b is damaged');
    if (verb === 'snapshots')
      return { stdout: JSON.stringify([{ id: 'ab12', time: '2026-12-03T03:00:00Z' }]), stderr: '' };
    if (verb === 'ls') {
      const lines = [];
      for (const p of paths) {
        const st = await stat(join(root, p));
        const d = new Date(st.mtimeMs);
        const t = `${String(d.getDate()).padStart(2)} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
        lines.push(`-rw-r--r-- root root ${st.size} ${t} ${JSON.stringify(p.slice(1))}`);
      }
      return { stdout: lines.join('\n'), stderr: '' };
    }
    if (verb === 'restore') {
      restores++;
      if (mode === 'hang') {
        await new Promise((r) => setTimeout(r, options?.timeoutMs ?? 0));
        throw new CommandError('timed out', {
          argv,
          exitCode: null,
          signal: 'SIGKILL',
          stderr: '',
          timedOut: true,
        });
      }
      if (mode === 'fail' && restores === 3) fail('error: connection reset');
      const [, path] = (argv[2] as string).split(':') as [string, string];
      const dest = argv[3] as string;
      await mkdir(dest, { recursive: true });
      const out = join(dest, basename(path));
      await copyFile(join(root, path), out);
      if (mode === 'corrupt' && restores === 1) await writeFile(out, 'flipped');
      if (mode === 'truncate-dump' && path === DUMP)
        await writeFile(out, gzipSync(SQL.repeat(100)).subarray(0, 40));
    }
    return { stdout: '', stderr: '' };
  };
  const config: DrillConfig = {
    root,
    drive: { mountPoint: MP },
    backup: { rustic: '/bin/rustic' },
    recovery: {
      sampleFiles: 20,
      readDataSubset: '5%',
      dumpsDir: `${DATA}/backups`,
      drillTimeoutMinutes: 120,
      scratchReserveBytes: 1000,
      lockFile: join(root, 'backup.lock'),
    },
  };
  const ports: DrillPorts = {
    run,
    env: {},
    invocationId: 'a'.repeat(32),
    now: Date.now,
    moment: async () => ({ wallMs: Date.now(), bootId: 'b', monoMs: 1 }),
    random: Math.random,
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))),
    isMounted: async () => true,
    freeBytes: async () => 10 ** 12,
    backupRunning: async () => false,
  };
  return { root, config, ports, argvs };
}

describe('runDrill', () => {
  it('passes with 20 files and the dump, leaving no scratch', async () => {
    const { config, ports, argvs, root } = await drive('ok');
    const r = await runDrill(config, ports);
    expect(r.result).toBe('passed');
    expect(r.reason).toBeNull();
    expect(r.files).toEqual({ checked: 20, matched: 20, mismatches: [] });
    expect(r.dump?.ok).toBe(true);
    expect(r.check).toEqual({ ok: true, readDataSubset: '5%', problem: null });
    expect(argvs[0]).toEqual(['/bin/rustic', 'check', '--read-data-subset=5%']);
    expect(argvs.some((a) => a[1] === 'restore' && a[2]?.endsWith(DUMP))).toBe(true);
    expect(r.scratchRemoved).toBe(true);
    expect(await readdir(join(root, MP))).not.toContain('.immich-pi-restore-test');
  });
  it('names the mismatched file', async () => {
    const { config, ports } = await drive('corrupt');
    const r = await runDrill(config, ports);
    expect(r.result).toBe('failed');
    expect(r.files.matched).toBe(19);
    expect(r.files.mismatches[0]?.problem).toBe('its contents differ');
    expect(r.reason).toContain(r.files.mismatches[0]?.path);
  });
  it('fails on a truncated dump', async () => {
    const { config, ports } = await drive('truncate-dump');
    const r = await runDrill(config, ports);
    expect(r.result).toBe('failed');
    expect(r.dump?.problem).toBe('it is cut short');
  });
  it('fails without a dump but still checks the files', async () => {
    const { config, ports } = await drive('no-dump');
    const r = await runDrill(config, ports);
    expect(r.result).toBe('failed');
    expect(r.files.matched).toBe(20);
    expect(r.reason).toContain('hold no database dump');
  });
  it('fails when the check fails', async () => {
    const { config, ports } = await drive('check-fails');
    const r = await runDrill(config, ports);
    expect(r.result).toBe('failed');
    expect(r.check?.problem).toBe('exit 1: error: pack 1a2b is damaged');
  });
  it('records rustic failing mid-restore as an error and cleans', async () => {
    const { config, ports } = await drive('fail');
    const r = await runDrill(config, ports);
    expect(r.result).toBe('error');
    expect(r.reason).toBe('rustic restore failed: exit 1: error: connection reset');
    expect(r.scratchRemoved).toBe(true);
  });
  it('refuses without room', async () => {
    const { config, ports, argvs } = await drive('ok');
    const r = await runDrill(config, { ...ports, freeBytes: async () => 5000 });
    expect(r.result).toBe('error');
    expect(r.reason).toMatch(/^the drive has 5000 bytes free/);
    expect(argvs.some((a) => a[1] === 'restore')).toBe(false);
  });
  it('times out, removing the scratch', async () => {
    const { config, ports, root } = await drive('hang');
    const r = await runDrill(config, { ...ports, timeoutMs: 300 });
    expect(r.result).toBe('error');
    expect(r.reason).toBe('the restore took longer than 1 seconds');
    expect(await readdir(join(root, MP))).not.toContain('.immich-pi-restore-test');
  });
  it('says the drive is locked', async () => {
    const { config, ports, argvs } = await drive('ok');
    const r = await runDrill(config, { ...ports, isMounted: async () => false });
    expect(r).toMatchObject({ result: 'error', reason: 'the drive is locked' });
    expect(argvs).toEqual([]);
  });
  it('waits while a backup runs', async () => {
    const { config, ports } = await drive('ok');
    let calls = 0;
    const r = await runDrill(config, { ...ports, backupRunning: async () => ++calls < 4 });
    expect(calls).toBe(4);
    expect(r.result).toBe('passed');
  });
  it('removes a stale scratch first', async () => {
    const { config, ports } = await drive('ok');
    await mkdir(join(scratchDir(config), 'old'), { recursive: true });
    await writeFile(join(scratchDir(config), 'old', 'x'), 'left over');
    const r = await runDrill(config, { ...ports, isMounted: async () => false });
    expect(r.scratchRemoved).toBe(true);
    await expect(stat(scratchDir(config))).rejects.toThrow();
  });
});
