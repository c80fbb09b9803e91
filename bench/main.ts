// The benchmark run (bench/run.mjs bundles and calls it): eleven benches, each with its baseline.
import { join } from 'node:path';
import { createSandboxPi } from '../sandbox-pi/index.ts';
import { benchAlerts } from './alerts.ts';
import { benchBackups } from './backups.ts';
import { benchDrill } from './drill.ts';
import { unitNodeFlags } from './flood.ts';
import { benchLatencyUnderFlood } from './latency-under-flood.ts';
import { benchMemoryUnderFlood } from './memory-under-flood.ts';
import { benchPwaSize } from './pwa-size.ts';
import { benchQuickUnlock } from './quick-unlock.ts';
import { type BenchResult, machineFacts, printSummary } from './report.ts';
import { benchColdStart, benchIdleRss } from './start-and-memory.ts';
import { benchStatusThroughput } from './throughput.ts';
import { benchUnlock } from './unlock.ts';

export interface BenchPaths {
  repoRoot: string;
  /** The bundled bench/status-server.ts. */
  statusServer: string;
}

/**
 * runBenchmarks runs the benches on fresh sandbox Pis and prints a summary table; `only` names
 * the benches to run by number (`npm run bench -- 9 10`), all of them when empty.
 */
export async function runBenchmarks(
  paths: BenchPaths,
  only: readonly string[] = [],
): Promise<void> {
  const wanted = (bench: number) => only.length === 0 || only.includes(String(bench));
  const agentBin = join(paths.repoRoot, 'dist/agent/immich-pi-agent.mjs');
  const pwaDir = join(paths.repoRoot, 'dist/pwa');
  console.log(`Benchmarks on ${machineFacts()}`);
  // Port 0: the agent takes a free port and prints it. The drive image plays no part here.
  const sandbox = await createSandboxPi({ port: 0, pwaDir, withoutCryptsetup: true });
  const results: BenchResult[] = [];
  try {
    // First, while the sandbox's state is still empty: it times the first-ever start too.
    if (wanted(1)) results.push(await benchColdStart(agentBin, sandbox.configPath));
    if (wanted(2)) results.push(await benchIdleRss(agentBin, sandbox.configPath));
    if (wanted(3)) {
      results.push(
        ...(await benchStatusThroughput({
          agentBin,
          statusServer: paths.statusServer,
          configPath: sandbox.configPath,
        })),
      );
    }
    if (wanted(4)) results.push(await benchPwaSize(pwaDir));
    // The agent as its unit runs it: with the heap caps of nix/units.nix.
    const nodeFlags = await unitNodeFlags(paths.repoRoot);
    if (wanted(9)) {
      results.push(await benchMemoryUnderFlood(agentBin, sandbox.configPath, nodeFlags));
    }
    if (wanted(10)) {
      results.push(await benchLatencyUnderFlood(agentBin, sandbox.configPath, nodeFlags));
    }
  } finally {
    await sandbox.remove();
  }
  // Its own sandbox: a real LUKS2 image with a ~1 s KDF, which no other bench wants.
  if (wanted(5)) results.push(await benchUnlock(agentBin));
  if (wanted(6) || wanted(7)) results.push(...(await benchAlerts(agentBin)));
  if (wanted(8)) results.push(await benchBackups(agentBin));
  if (wanted(12)) results.push(await benchDrill(agentBin));
  // Chromium with a virtual authenticator, on its own sandbox with a real LUKS2 image.
  if (wanted(11)) results.push(await benchQuickUnlock(agentBin, pwaDir));
  printSummary(results);
}
