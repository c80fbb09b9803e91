// The benchmark run (bench/run.mjs bundles and calls it): eight benches, each with its baseline.
import { join } from 'node:path';
import { createSandboxPi } from '../tests/fixtures/sandbox-pi/index.ts';
import { benchAlerts } from './alerts.ts';
import { benchBackups } from './backups.ts';
import { benchPwaSize } from './pwa-size.ts';
import { type BenchResult, machineFacts, printSummary } from './report.ts';
import { benchColdStart, benchIdleRss } from './start-and-memory.ts';
import { benchStatusThroughput } from './throughput.ts';
import { benchUnlock } from './unlock.ts';

export interface BenchPaths {
  repoRoot: string;
  /** The bundled bench/status-server.ts. */
  statusServer: string;
}

/** runBenchmarks runs the benches on fresh sandbox Pis and prints a summary table. */
export async function runBenchmarks(paths: BenchPaths): Promise<void> {
  const agentBin = join(paths.repoRoot, 'dist/agent/immich-pi-agent.mjs');
  const pwaDir = join(paths.repoRoot, 'dist/pwa');
  console.log(`Benchmarks on ${machineFacts()}`);
  // Port 0: the agent takes a free port and prints it. The drive image plays no part here.
  const sandbox = await createSandboxPi({ port: 0, pwaDir, withoutCryptsetup: true });
  const results: BenchResult[] = [];
  try {
    // First, while the sandbox's state is still empty: it times the first-ever start too.
    results.push(await benchColdStart(agentBin, sandbox.configPath));
    results.push(await benchIdleRss(agentBin, sandbox.configPath));
    results.push(
      ...(await benchStatusThroughput({
        agentBin,
        statusServer: paths.statusServer,
        configPath: sandbox.configPath,
      })),
    );
    results.push(await benchPwaSize(pwaDir));
  } finally {
    await sandbox.remove();
  }
  // Its own sandbox: a real LUKS2 image with a ~1 s KDF, which no other bench wants.
  results.push(await benchUnlock(agentBin));
  results.push(...(await benchAlerts(agentBin)));
  results.push(await benchBackups(agentBin));
  printSummary(results);
}
