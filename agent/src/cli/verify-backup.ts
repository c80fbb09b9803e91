#!/usr/bin/env node
// `immich-pi-verify-backup`: run as root by the verify unit, it restores a sample of the latest
// snapshot and the newest database dump, compares them and leaves one record (ARCHITECTURE §17).
import { randomInt } from 'node:crypto';
import { readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { statFs } from '../adapters/files.ts';
import { runCommand } from '../adapters/run-command.ts';
import { writeSpoolFile } from '../adapters/spool.ts';
import { findMount } from '../adapters/system.ts';
import { loadConfig } from '../config.ts';
import { DRILL_SPOOL_NAME, type DrillRecord } from '../domain/recovery/drill-record.ts';
import { hostPaths } from '../paths.ts';
import {
  type DrillPorts,
  removeScratch,
  runDrill,
  scratchDir,
} from '../services/recovery/drill.ts';
import { releaseLock } from '../services/recovery/lock.ts';
import { DEFAULT_CONFIG, parseFlags } from './args.ts';

const KEEP_DRILLS = 200;
const VERIFY_BACKUP_HELP = `Usage: immich-pi-verify-backup [--config FILE]

Runs one restore drill from inside the verify unit (systemd sets INVOCATION_ID), as root with
the backup unit's environment so rustic finds its repository:

  ExecStart = immich-pi-verify-backup --config FILE

It runs \`rustic check --read-data-subset\`, restores recovery.sampleFiles unchanged files of the
latest snapshot and the newest database dump into a scratch directory on the drive, compares
them, removes the scratch and writes <INVOCATION_ID>.drill.json to recovery.spoolDir.
Backups and drills take turns through recovery.lockFile.

Options:
  --config FILE  the agent's JSON config (default ${DEFAULT_CONFIG})

It exits 0 once a record is written (a failed drill is data), 1 when none could be.
`;

async function verifyBackupCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, {
    config: { type: 'string' },
    'timeout-seconds': { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(VERIFY_BACKUP_HELP);
    return 0;
  }
  const config = loadConfig({ config: values.config ?? DEFAULT_CONFIG });
  const id = process.env.INVOCATION_ID ?? '';
  if (!/^[0-9a-f]{32}$/.test(id)) {
    process.stderr.write('verify-backup: INVOCATION_ID is missing: run it from the verify unit\n');
    return 1;
  }
  const paths = hostPaths(config.root, config.drive);
  const bootId = (await readFile(paths.bootId, 'utf8').catch(() => '')).trim();
  const moment = async () => ({
    wallMs: Date.now(),
    bootId,
    monoMs: Number(process.hrtime.bigint() / 1_000_000n),
  });
  const spoolDir = config.recovery.spoolDir;
  const write = async (record: DrillRecord) => {
    await writeSpoolFile(spoolDir, `${id}.drill.json`, `${JSON.stringify(record)}\n`);
    await prune(spoolDir);
  };
  const started = await moment();
  // A stop by systemd or a person: clean, say so, end. systemd signals the whole process group at
  // once, so the run also sees its rustic killed: the stop's record is the one written, not that.
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      const scratchRemoved = await removeScratch(scratchDir(config));
      await releaseLock(config.recovery.lockFile);
      await write({
        ...emptyRecord(id, started, await moment()),
        reason: 'the drill was stopped',
        scratchRemoved,
      }).catch(() => {});
      process.exit(0);
    })();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const seconds = Number(values['timeout-seconds']);
  const ports: DrillPorts = {
    run: runCommand,
    env: process.env,
    invocationId: id,
    now: Date.now,
    moment,
    random: () => randomInt(2 ** 47) / 2 ** 47,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    isMounted: async () => {
      const info = await readFile(paths.procMountinfo, 'utf8').catch(() => '');
      return findMount(info, paths.driveMountPoint) !== null;
    },
    freeBytes: async (path) => (await statFs(path))?.availableBytes ?? 0,
    // `show -p ActiveState` exits 0 whatever the state (is-active exits 3 for activating).
    backupRunning: async () => {
      const { stdout } = await runCommand([
        config.systemctl,
        'show',
        '-p',
        'ActiveState',
        config.backupUnit,
      ]);
      const state = /ActiveState=(\S+)/.exec(stdout)?.[1] ?? '';
      return ['activating', 'active', 'deactivating', 'reloading'].includes(state);
    },
    ...(seconds > 0 ? { timeoutMs: seconds * 1000 } : {}),
  };
  try {
    const record = await runDrill(config, ports);
    if (stopping) await stopping; // it ends the process
    await write(record);
    process.stderr.write(
      `verify-backup: ${record.result}${record.reason ? `: ${record.reason}` : ''}\n`,
    );
    return 0;
  } catch (error) {
    if (stopping) await stopping;
    process.stderr.write(`verify-backup: no record made: ${(error as Error).message}\n`);
    return 1;
  }
}

function emptyRecord(id: string, startedAt: DrillRecord['at'], at: DrillRecord['at']): DrillRecord {
  return {
    v: 1,
    kind: 'drill',
    invocationId: id,
    startedAt,
    at,
    result: 'error',
    reason: null,
    snapshot: null,
    check: null,
    files: { checked: 0, matched: 0, mismatches: [] },
    dump: null,
    scratchRemoved: false,
  };
}

/** prune keeps the newest KEEP_DRILLS records (by name order of their mtimes). */
async function prune(dir: string): Promise<void> {
  const { stat } = await import('node:fs/promises');
  const names = (await readdir(dir)).filter((n) => DRILL_SPOOL_NAME.test(n));
  if (names.length <= KEEP_DRILLS) return;
  const timed = await Promise.all(
    names.map(async (n) => ({ n, t: (await stat(join(dir, n))).mtimeMs })),
  );
  timed.sort((a, b) => b.t - a.t);
  for (const { n } of timed.slice(KEEP_DRILLS)) await unlink(join(dir, n)).catch(() => {});
}

verifyBackupCommand(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    process.stderr.write(`verify-backup: no record made: ${error.message}\n`);
    process.exitCode = 1;
  },
);
