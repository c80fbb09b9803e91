// Benches 1 and 2: the bundled agent's start time and idle memory, against node doing nothing.
import { spawn } from 'node:child_process';
import { rssBytes, sleep, startNode, stopChild, timeToExit } from './processes.ts';
import { type BenchResult, mark, median, ms, printSection } from './report.ts';

const RUNS = 15;
const TARGET_RATIO = 2;
const IDLE_MS = 3000;
const TARGET_RSS_MB = 60;
const LISTENING = /^immich-pi-agent listening on \S+$/;
const MB = 2 ** 20;

const serveArgs = (agentBin: string, configPath: string) => [
  agentBin,
  'serve',
  '--config',
  configPath,
];

/**
 * benchColdStart times spawn → listening line: first the first-ever start on a fresh sandbox
 * (it makes the identity key and state files), then RUNS warm-state starts interleaved with
 * RUNS runs of `node -e ''` to exit. Run it before anything else starts on that sandbox.
 */
export async function benchColdStart(agentBin: string, configPath: string): Promise<BenchResult> {
  const startAgent = async () => {
    const started = await startNode(serveArgs(agentBin, configPath), LISTENING);
    await stopChild(started.child);
    return started.readyMs;
  };
  const bareNode = () => timeToExit(['-e', '']);
  // Node's binary and libraries into the page cache first, so the first start measures the agent.
  await bareNode();
  await bareNode();
  const firstEver = await startAgent();
  await startAgent(); // the bundle into the page cache; not counted
  const agent: number[] = [];
  const node: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    node.push(await bareNode());
    agent.push(await startAgent());
  }
  const ratio = median(agent) / median(node);
  const spread = (v: number[]) => `(min ${ms(Math.min(...v))}, max ${ms(Math.max(...v))})`;
  printSection(`1. Agent cold start: spawn to "listening" on stdout, median of ${RUNS}`, [
    `agent serve, warm state    ${ms(median(agent))} ${spread(agent)}`,
    `node -e '' to exit         ${ms(median(node))} ${spread(node)}`,
    `first-ever start (creates identity key and state files): ${ms(firstEver)}`,
    `ratio ${ratio.toFixed(2)}×   target ≤ ${TARGET_RATIO}× ${mark(ratio <= TARGET_RATIO)}`,
  ]);
  return {
    name: 'cold start to listening',
    measured: ms(median(agent)),
    baseline: `${ms(median(node))} node -e ''`,
    ratio: `${ratio.toFixed(2)}×`,
    target: `≤ ${TARGET_RATIO}×`,
    met: ratio <= TARGET_RATIO,
  };
}

/** benchIdleRss reads VmRSS of a started agent and of a bare idle node after IDLE_MS each. */
export async function benchIdleRss(agentBin: string, configPath: string): Promise<BenchResult> {
  const bare = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 5000)'], { stdio: 'ignore' });
  const agent = await startNode(serveArgs(agentBin, configPath), LISTENING);
  try {
    await sleep(IDLE_MS);
    const agentMb = (await rssBytes(agent.child.pid ?? 0)) / MB;
    const bareMb = (await rssBytes(bare.pid ?? 0)) / MB;
    const met = agentMb <= TARGET_RSS_MB;
    printSection(`2. Idle RSS (VmRSS) ${IDLE_MS / 1000} s after start`, [
      `agent serve (listening, idle)         ${agentMb.toFixed(1)} MB`,
      `node -e 'setTimeout(() => {}, 5000)'  ${bareMb.toFixed(1)} MB`,
      `agent − bare node ${(agentMb - bareMb).toFixed(1)} MB   target ≤ ${TARGET_RSS_MB} MB ${mark(met)}`,
    ]);
    return {
      name: 'idle RSS after start',
      measured: `${agentMb.toFixed(1)} MB`,
      baseline: `${bareMb.toFixed(1)} MB bare node`,
      ratio: `${(agentMb / bareMb).toFixed(2)}×`,
      target: `≤ ${TARGET_RSS_MB} MB`,
      met,
    };
  } finally {
    await stopChild(agent.child);
    await stopChild(bare);
  }
}
