// The sandbox Pi's stub backup unit (stubs/backup-unit.cjs) as the handle drives it: how the next
// runs end, what rustic prints, a start as the timer makes it, demo history, and waiting for a run.
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCommand } from '../agent/src/adapters/run-command.ts';
import type { Config } from '../agent/src/config.ts';
import { type SeedOptions, seedBackupHistory } from './backup-history.ts';

export type BackupOutcome = 'ok' | 'fail' | 'interrupted' | 'partial' | 'slow';
export type SnapshotShape = 'grouped' | 'flat' | 'tuple';

/** The sandbox directories the backup unit uses. */
export const BACKUP_DIRS = ['spool', 'rustic', 'journal', 'backup'];

export interface BackupControls {
  /** The spool report-backup writes run records into (agent.json's backup.spoolDir). */
  spoolDir: string;
  /** setBackupOutcome sets how the next runs end, until set again (ok at first). */
  setBackupOutcome(outcome: BackupOutcome): Promise<void>;
  /** setSnapshotShape sets the JSON shape `rustic snapshots --json` prints (grouped at first). */
  setSnapshotShape(shape: SnapshotShape): Promise<void>;
  /** setRusticOutput makes `rustic snapshots --json` print exactly text (null: the repository again). */
  setRusticOutput(text: string | null): Promise<void>;
  /** setNextBackupAt sets when the stub timer says it runs next (a start moves it a day on). */
  setNextBackupAt(ms: number): Promise<void>;
  /** startBackupAsTimer starts the unit as its timer does: `systemctl start --no-block` via the stub. */
  startBackupAsTimer(): Promise<void>;
  /** seedBackupHistory writes demo runs into the spool and their snapshots; answers how many runs. */
  seedBackupHistory(options?: SeedOptions): Promise<number>;
  /** waitForBackupIdle waits until no stub run goes on and the last one has reported. */
  waitForBackupIdle(timeoutMs?: number): Promise<void>;
}

/** backupControls are the handle's backup members for the sandbox in dir. */
export function backupControls(dir: string, config: Config): BackupControls {
  const unitState = async () =>
    (
      await readFile(join(dir, 'units', `${config.backupUnit}.state`), 'utf8').catch(() => '')
    ).trim();
  return {
    spoolDir: config.backup.spoolDir,
    setBackupOutcome: (outcome) => writeFile(join(dir, 'backup/outcome'), `${outcome}\n`),
    setSnapshotShape: (shape) => writeFile(join(dir, 'rustic/shape'), `${shape}\n`),
    setRusticOutput: (text) =>
      text === null
        ? rm(join(dir, 'rustic/output'), { force: true })
        : writeFile(join(dir, 'rustic/output'), text),
    setNextBackupAt: (ms) =>
      writeFile(join(dir, 'units', `${config.backup.timer}.next`), `${ms}\n`),
    startBackupAsTimer: async () => {
      await runCommand([config.systemctl, 'start', '--no-block', config.backupUnit]);
    },
    seedBackupHistory: (options) =>
      seedBackupHistory(
        {
          spoolDir: config.backup.spoolDir,
          repoFile: join(dir, 'rustic/repo.json'),
          journalDir: join(dir, 'journal'),
          unit: config.backupUnit,
          source: posix.join(config.drive.mountPoint, 'immich_data'),
        },
        options,
      ),
    waitForBackupIdle: async (timeoutMs = 40_000) => {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const state = await unitState();
        const busy = state === 'activating' || state === 'deactivating';
        if (!busy && (await runningBackupPid(dir)) === null) return;
        if (performance.now() > deadline) {
          throw new Error(`the stub backup run did not end within ${timeoutMs} ms (${state})`);
        }
        await sleep(50);
      }
    },
  };
}

/** runningBackupPid answers the pid of the stub run (backup-run.cjs) when it is alive. */
async function runningBackupPid(dir: string): Promise<number | null> {
  const file = join(dir, 'backup/run.pid');
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) return null;
  // An empty file is a start claiming the run (running), unless a crash left it (as in the stub).
  if (text.trim() === '') {
    const age = Date.now() - ((await stat(file).catch(() => null))?.mtimeMs ?? 0);
    return age < 5000 ? 0 : null;
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const [cmdline, procStat] = await Promise.all([
    readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''),
    readFile(`/proc/${pid}/stat`, 'utf8').catch(() => ''),
  ]);
  const state = procStat.split(') ')[1]?.[0];
  return cmdline.includes('backup-run') && state !== undefined && state !== 'Z' ? pid : null;
}

/** stopBackupRun kills a stub run and all it started, as a power cut would: nothing reports. */
export async function stopBackupRun(dir: string): Promise<void> {
  const pid = await runningBackupPid(dir);
  // The run was started detached, so it leads its own process group (report-backup, rustic).
  if (pid) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {} // it ended meanwhile
  }
  await rm(join(dir, 'backup/run.pid'), { force: true });
  await rm(join(dir, 'backup/stop'), { force: true });
}
