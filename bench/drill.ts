// Bench 12: the restore drill (immich-pi-verify-backup on the sandbox) against a bare stub
// `rustic restore` of as many files (20 and the newest dump) one by one, as the drill calls it.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runCommand } from '../agent/src/adapters/run-command.ts';
import { createSandboxPi } from '../sandbox-pi/index.ts';
import { type BenchResult, mark, median, ms, printSection } from './report.ts';

const ROUNDS = 5;
const TARGET = 1.2;
const DATA = '/mnt/immich_drive/immich_data';

export async function benchDrill(agentBin: string): Promise<BenchResult> {
  const pi = await createSandboxPi();
  try {
    await pi.setMounted(true);
    await pi.startBackupAsTimer();
    await pi.waitForBackupIdle();
    const verify = join(agentBin, '..', 'immich-pi-verify-backup.mjs');
    const rustic = join(pi.dir, 'bin/rustic');
    const photos = (await readdir(join(pi.root, DATA, 'library/admin/2026'), { recursive: true }))
      .filter((n) => n.endsWith('.jpg'))
      .slice(0, 20)
      .map((n) => `${DATA}/library/admin/2026/${n}`);
    const dumps = (await readdir(join(pi.root, DATA, 'backups'))).sort();
    const sample = [...photos, `${DATA}/backups/${dumps.at(-1)}`];
    const drills: number[] = [];
    const bare: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      let started = performance.now();
      const id = round.toString(16).padStart(32, 'b');
      await runCommand([process.execPath, verify, '--config', pi.configPath], {
        env: { PATH: process.env.PATH, INVOCATION_ID: id },
        timeoutMs: 120_000,
      });
      drills.push(performance.now() - started);
      const into = await mkdtemp(join(tmpdir(), 'bare-restore-'));
      started = performance.now();
      for (const [i, path] of sample.entries()) {
        await runCommand([rustic, 'restore', `latest:${path}`, join(into, String(i))]);
      }
      bare.push(performance.now() - started);
      await rm(into, { recursive: true, force: true });
    }
    const measured = median(drills);
    const baseline = median(bare);
    const ratio = measured / baseline;
    printSection(`12. Restore drill overhead against a bare rustic restore (target ≤ ${TARGET}×)`, [
      `drill (check, snapshots, ls, sample, restore, SHA-256, dump check, record): median ${ms(measured)}`,
      `bare stub rustic restore of ${sample.length} files one by one: median ${ms(baseline)}`,
      `ratio ${ratio.toFixed(2)}× over ${ROUNDS} rounds ${mark(ratio <= TARGET)}`,
    ]);
    return {
      name: 'restore drill',
      measured: ms(measured),
      baseline: `bare restore ${ms(baseline)}`,
      ratio: `${ratio.toFixed(2)}×`,
      target: `≤ ${TARGET}×`,
      met: ratio <= TARGET,
    };
  } finally {
    await pi.remove();
  }
}
