// Bench 10: a phone's signed GET /api/v1/status latency while forged signatures flood the agent,
// against the same phone on a quiet agent in the same run.
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { ROUTES } from '../shared/api.ts';
import { type BenchDevice, presignStatus } from './bench-device.ts';
import { flood, getOnce, startPairedAgent } from './flood.ts';
import { sleep, stopChild } from './processes.ts';
import { type BenchResult, mark, ms, percentile, printSection, thousands } from './report.ts';
import { writeBenchConfig } from './throughput.ts';

/** BENCH_FLOOD_SECONDS shortens a run; 15 s is issue 15's flood. */
const SECONDS = Number(process.env.BENCH_FLOOD_SECONDS ?? 15);
/** The phone sends one request every this often (or right after a slower answer). */
const EVERY_MS = 10;
const FLOOD_CONNECTIONS = 2;
const TARGET_P99_MS = 100;

interface Polled {
  p50: number;
  p99: number;
  max: number;
  statuses: Map<number, number>;
}

/** poll sends pre-signed status requests one at a time, EVERY_MS apart, on one connection. */
async function poll(baseUrl: string, device: BenchDevice, seconds = SECONDS): Promise<Polled> {
  const headerSets = await presignStatus(device, Math.ceil((seconds * 1000) / EVERY_MS));
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const latencies = new Float64Array(headerSets.length);
  const statuses = new Map<number, number>();
  try {
    for (const [i, headers] of headerSets.entries()) {
      const sentAt = performance.now();
      const status = await getOnce(agent, url, ROUTES.status, headers);
      latencies[i] = performance.now() - sentAt;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      await sleep(Math.max(0, sentAt + EVERY_MS - performance.now()));
    }
  } finally {
    agent.destroy();
  }
  latencies.sort();
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? Number.NaN,
    statuses,
  };
}

const describe = (label: string, run: Polled) =>
  `${label.padEnd(34)} p50 ${ms(run.p50)}   p99 ${ms(run.p99)}   max ${ms(run.max)}   answers: ${[
    ...run.statuses,
  ]
    .map(([status, n]) => `${thousands(n)}× ${status}`)
    .join(', ')}`;

/**
 * benchLatencyUnderFlood pairs a phone with the real agent (the throughput bench's config, whose
 * raised per-device rate lets it poll every EVERY_MS), polls SECONDS on a quiet agent, then
 * SECONDS again while a forged-signature flood runs on FLOOD_CONNECTIONS connections.
 */
export async function benchLatencyUnderFlood(
  agentBin: string,
  configPath: string,
  nodeFlags: readonly string[],
): Promise<BenchResult> {
  const config = await writeBenchConfig(configPath);
  const agent = await startPairedAgent(agentBin, config.path, nodeFlags);
  try {
    await poll(agent.url, agent.device, 2); // warm-up: the JIT, the first status read
    const quiet = await poll(agent.url, agent.device);
    const flooding = flood({
      baseUrl: agent.url,
      kind: 'forged',
      device: agent.device,
      connections: FLOOD_CONNECTIONS,
      durationMs: (SECONDS + 3) * 1000,
    });
    await sleep(1000); // the flood at full rate before the phone starts
    const flooded = await poll(agent.url, agent.device);
    const forged = await flooding;
    const met = flooded.p99 <= TARGET_P99_MS;
    printSection(
      `10. Signed GET /api/v1/status from a phone every ${EVERY_MS} ms for ${SECONDS} s, with and without a forged-signature flood on ${FLOOD_CONNECTIONS} connections`,
      [
        `agent: node ${nodeFlags.join(' ')} (NODE_OPTIONS of nix/units.nix)`,
        describe('quiet agent (baseline)', quiet),
        describe('during the flood', flooded),
        `the flood: ${thousands(forged.perSecond)} forged requests/s (${[...forged.statuses]
          .map(([status, n]) => `${thousands(n)}× ${status}`)
          .join(', ')})`,
        `p99 during the flood ${ms(flooded.p99)}   target ≤ ${TARGET_P99_MS} ms ${mark(met)}`,
      ],
    );
    return {
      name: 'status p99 under a forged flood',
      measured: ms(flooded.p99),
      baseline: `${ms(quiet.p99)} quiet`,
      ratio: `${(flooded.p99 / quiet.p99).toFixed(2)}×`,
      target: `≤ ${TARGET_P99_MS} ms`,
      met,
    };
  } finally {
    await stopChild(agent.child);
  }
}
