// Bench 9: the agent's RSS after five floods of forged and unsigned requests and a long idle
// spell, against its own idle RSS before them: what a flood leaves behind.
import { flood, startPairedAgent } from './flood.ts';
import { rssBytes, sleep, stopChild } from './processes.ts';
import { type BenchResult, mark, printSection, thousands } from './report.ts';

const FLOODS = 5;
/** BENCH_FLOOD_SECONDS and BENCH_IDLE_SECONDS shorten a run; the defaults are issue 15's. */
const FLOOD_SECONDS = Number(process.env.BENCH_FLOOD_SECONDS ?? 15);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 300);
const SETTLE_MS = 3000;
const CONNECTIONS_EACH = 2;
const TARGET_MB = 70;
const MB = 2 ** 20;

const statusCounts = (statuses: Map<number, number>) =>
  [...statuses].map(([status, n]) => `${thousands(n)}× ${status}`).join(', ');

/**
 * benchMemoryUnderFlood starts the real agent with the sandbox's own config (default limits),
 * reads its RSS after SETTLE_MS idle, then runs FLOODS floods of FLOOD_SECONDS each (forged
 * signatures and unsigned hello at once, CONNECTIONS_EACH keep-alive connections each), then
 * idles IDLE_SECONDS and reads it again.
 */
export async function benchMemoryUnderFlood(
  agentBin: string,
  configPath: string,
  nodeFlags: readonly string[],
): Promise<BenchResult> {
  const agent = await startPairedAgent(agentBin, configPath, nodeFlags);
  const rssMb = async () => (await rssBytes(agent.child.pid ?? 0)) / MB;
  try {
    await sleep(SETTLE_MS);
    const idleMb = await rssMb();
    const lines: string[] = [];
    for (let i = 1; i <= FLOODS; i++) {
      const run = (kind: 'forged' | 'unsigned') =>
        flood({
          baseUrl: agent.url,
          kind,
          device: agent.device,
          connections: CONNECTIONS_EACH,
          durationMs: FLOOD_SECONDS * 1000,
        });
      const [forged, unsigned] = await Promise.all([run('forged'), run('unsigned')]);
      lines.push(
        `flood ${i}: forged ${thousands(forged.perSecond)}/s (${statusCounts(forged.statuses)}), unsigned ${thousands(unsigned.perSecond)}/s (${statusCounts(unsigned.statuses)}); RSS ${(await rssMb()).toFixed(1)} MB`,
      );
    }
    const floodedMb = await rssMb();
    await sleep(IDLE_SECONDS * 1000);
    const afterMb = await rssMb();
    const met = afterMb <= TARGET_MB;
    printSection(
      `9. RSS (VmRSS) after ${FLOODS} × ${FLOOD_SECONDS} s floods (forged signatures and unsigned hello, ${CONNECTIONS_EACH} connections each) and ${IDLE_SECONDS} s idle`,
      [
        `agent: node ${nodeFlags.join(' ')} (NODE_OPTIONS of nix/units.nix)`,
        `idle, before the floods (baseline)   ${idleMb.toFixed(1)} MB`,
        ...lines,
        `after the floods                     ${floodedMb.toFixed(1)} MB`,
        `${`after ${IDLE_SECONDS} s idle`.padEnd(36)} ${afterMb.toFixed(1)} MB (${(afterMb - idleMb).toFixed(1)} MB over the baseline)`,
        `target ≤ ${TARGET_MB} MB ${mark(met)}`,
      ],
    );
    return {
      name: 'RSS after floods and idle',
      measured: `${afterMb.toFixed(1)} MB`,
      baseline: `${idleMb.toFixed(1)} MB idle before`,
      ratio: `${(afterMb / idleMb).toFixed(2)}×`,
      target: `≤ ${TARGET_MB} MB`,
      met,
    };
  } finally {
    await stopChild(agent.child);
  }
}
