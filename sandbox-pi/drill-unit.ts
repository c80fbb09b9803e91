// The sandbox Pi's restore drill controls: the restore outcome, starting the verify unit as its
// timer does, and waiting for the drill to end (stubs/drill-unit.cjs, stubs/rustic-drill.cjs).
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCommand } from '../agent/src/adapters/run-command.ts';
import type { Config } from '../agent/src/config.ts';

export type RestoreOutcome = 'ok' | 'corrupt' | 'fail' | 'hang' | 'truncate-dump' | 'no-dump';

export interface DrillControls {
  /** The spool the verify program writes drill records into (recovery.spoolDir). */
  drillSpoolDir: string;
  /** setRestoreOutcome writes backup/restore-outcome; no-dump moves the drive's dumps away. */
  setRestoreOutcome(outcome: RestoreOutcome): Promise<void>;
  /** setDrillTimeoutSeconds makes the stub unit pass --timeout-seconds (null: the config's). */
  setDrillTimeoutSeconds(seconds: number | null): Promise<void>;
  /** startDrillAsTimer is `systemctl start --no-block` of the verify unit, as start-drill does. */
  startDrillAsTimer(): Promise<void>;
  waitForDrillIdle(timeoutMs?: number): Promise<void>;
}

export function drillControls(dir: string, config: Config): DrillControls {
  const unit = config.recovery.verifyUnit;
  const dumps = join(config.root, config.recovery.dumpsDir);
  return {
    drillSpoolDir: config.recovery.spoolDir,
    setRestoreOutcome: async (outcome) => {
      await writeFile(join(dir, 'backup/restore-outcome'), `${outcome}\n`);
      if (outcome === 'no-dump') await rm(dumps, { recursive: true, force: true });
    },
    setDrillTimeoutSeconds: (seconds) =>
      seconds === null
        ? rm(join(dir, 'backup/drill-timeout-seconds'), { force: true })
        : writeFile(join(dir, 'backup/drill-timeout-seconds'), `${seconds}\n`),
    startDrillAsTimer: async () => {
      await runCommand([config.systemctl, 'start', '--no-block', unit]);
    },
    waitForDrillIdle: async (timeoutMs = 60_000) => {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const state = (
          await readFile(join(dir, 'units', `${unit}.state`), 'utf8').catch(() => '')
        ).trim();
        const pid = await readFile(join(dir, 'backup/drill.pid'), 'utf8').catch(() => null);
        if (state !== 'activating' && pid === null) return;
        if (performance.now() > deadline)
          throw new Error(`the stub drill did not end within ${timeoutMs} ms (${state})`);
        await sleep(50);
      }
    },
  };
}
