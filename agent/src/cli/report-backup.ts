#!/usr/bin/env node
// `immich-pi-report-backup`: run by the backup unit as root (ExecStartPre with --before,
// ExecStopPost=- without), it leaves one spool record per run for the agent (ARCHITECTURE §11).
// A program of its own (not an agent command), so the backup unit loads no HTTP or push code.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from '../adapters/run-command.ts';
import { listSpool, readSpoolFile, removeSpoolFile, writeSpoolFile } from '../adapters/spool.ts';
import { loadConfig } from '../config.ts';
import { hostPaths } from '../paths.ts';
import { type ReportDeps, reportAfter, reportBefore } from '../services/backups/report.ts';
import { waitWhileLocked } from '../services/recovery/lock.ts';
import { DEFAULT_CONFIG, parseFlags } from './args.ts';

const REPORT_BACKUP_HELP = `Usage: immich-pi-report-backup [--before] [--config FILE]

Records a backup run for the agent, from inside the backup unit (systemd sets INVOCATION_ID,
SERVICE_RESULT, EXIT_CODE and EXIT_STATUS):

  ExecStartPre  = immich-pi-report-backup --before --config FILE
  ExecStopPost  = -immich-pi-report-backup --config FILE

With --before it notes the snapshot ids present; without, it lists the snapshots again, takes
the run's last 50 journal lines and writes one record to the spool directory (backup.spoolDir).
With --before it first waits while a restore drill holds recovery.lockFile (at most the
drill's timeout), so a backup and a drill never run at once.
It runs rustic itself, as root, so the agent never holds the repository password.

Options:
  --before       note the snapshots before the run starts
  --config FILE  the agent's JSON config (default ${DEFAULT_CONFIG})

It always exits 0: a report that cannot be made is said on stderr and never fails the backup.
`;

/** reportBackupCommand writes the record, or says on stderr why it could not; exits 0 either way. */
async function reportBackupCommand(argv: string[]): Promise<number> {
  try {
    const { values } = parseFlags(argv, {
      before: { type: 'boolean' },
      config: { type: 'string' },
    });
    if (values.help) {
      process.stdout.write(REPORT_BACKUP_HELP);
      return 0;
    }
    const config = loadConfig({ config: values.config ?? DEFAULT_CONFIG });
    const { spoolDir } = config.backup;
    const bootIdPath = hostPaths(config.root, config.drive).bootId;
    const deps: ReportDeps = {
      runCommand,
      env: process.env,
      now: async () => ({
        wallMs: Date.now(),
        bootId: (await readFile(bootIdPath, 'utf8').catch(() => '')).trim(),
        // CLOCK_MONOTONIC, the same in both report-backup processes of one run.
        monoMs: Number(process.hrtime.bigint() / 1_000_000n),
      }),
      spool: {
        write: (name, text) => writeSpoolFile(spoolDir, name, text),
        read: (name) => readSpoolFile(join(spoolDir, name)),
        remove: (name) => removeSpoolFile(spoolDir, name),
        list: () => listSpool(spoolDir, true),
      },
    };
    // Turn-taking (ARCHITECTURE §17): a backup starting while a drill runs waits for it, bounded.
    if (values.before) {
      const { lockFile, drillTimeoutMinutes } = config.recovery;
      if (!(await waitWhileLocked(lockFile, drillTimeoutMinutes * 60_000)))
        process.stderr.write('report-backup: a restore drill still holds the lock; going on\n');
    }
    const said = values.before ? await reportBefore(config, deps) : await reportAfter(config, deps);
    process.stderr.write(`report-backup: ${said}\n`);
  } catch (error) {
    process.stderr.write(`report-backup: no record made: ${(error as Error).message}\n`);
  }
  return 0;
}

reportBackupCommand(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
