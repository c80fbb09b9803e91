// Bench 3: signed GET /api/v1/status per second, against the same route and stack without signatures.
import type { ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { askAgent } from '../agent/src/adapters/admin-socket.ts';
import type { PairingCodeForCli } from '../agent/src/services/admin.ts';
import { ROUTES } from '../shared/api.ts';
import { newBenchDevice, pairBenchDevice, presignStatus } from './bench-device.ts';
import { fireRequests, type LoadResult } from './load.ts';
import { rssBytes, startNode, stopChild } from './processes.ts';
import {
  type BenchResult,
  mark,
  median,
  ms,
  percentile,
  printSection,
  thousands,
} from './report.ts';

const WARMUP = 2_000;
const COUNT = 30_000;
/** The timed requests go in this many equal rounds; the median round's rate is reported. */
const ROUNDS = 3;
const IN_FLIGHT = 32;
const TARGET_PER_SECOND = 3_000;
const BENCH_SERVER_READY = /^bench status server listening on (\S+) pairing code (\S+)$/;
const AGENT_READY = /^immich-pi-agent listening on (\S+)$/;

interface Server {
  url: string;
  /** An open pairing code, null for the unsigned server. */
  code: string | null;
  child: ChildProcess;
}

interface ModeResult {
  label: string;
  /** The median round's rate. */
  perSecond: number;
  roundsPerSecond: number[];
  p50Ms: number;
  p99Ms: number;
  statuses: Map<number, number>;
  rssAfterMb: number;
  signPerSecond: number;
}

/** combineRounds reports the median round's rate and latency percentiles over every request. */
function combineRounds(rounds: LoadResult[]) {
  const latencies = new Float64Array(rounds.reduce((n, r) => n + r.latenciesMs.length, 0));
  const statuses = new Map<number, number>();
  let offset = 0;
  for (const round of rounds) {
    latencies.set(round.latenciesMs, offset);
    offset += round.latenciesMs.length;
    for (const [status, n] of round.statuses) statuses.set(status, (statuses.get(status) ?? 0) + n);
  }
  latencies.sort();
  const roundsPerSecond = rounds.map((r) => r.perSecond);
  return {
    perSecond: median(roundsPerSecond),
    roundsPerSecond,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    statuses,
  };
}

/** writeBenchConfig copies the sandbox config with limits raised so one device may send 32,000. */
export async function writeBenchConfig(
  configPath: string,
): Promise<{ path: string; adminSocket: string }> {
  const raw = JSON.parse(await readFile(configPath, 'utf8'));
  raw.security = { ...raw.security, ratePerSecond: 1e6, rateBurst: 1e6, maxNonces: 1_000_000 };
  const path = join(dirname(configPath), 'agent-bench.json');
  await writeFile(path, `${JSON.stringify(raw, null, 2)}\n`);
  return { path, adminSocket: raw.adminSocket };
}

async function startBenchServer(script: string, mode: string, config: string): Promise<Server> {
  const { child, line } = await startNode([script, mode, config], BENCH_SERVER_READY);
  const [, url = '', code = '-'] = BENCH_SERVER_READY.exec(line) ?? [];
  return { url, code: code === '-' ? null : code, child };
}

/** startRealAgent starts the bundled agent and mints a pairing code through its admin socket. */
export async function startRealAgent(
  agentBin: string,
  config: string,
  adminSocket: string,
  nodeFlags: readonly string[] = [],
) {
  const argv = [...nodeFlags, agentBin, 'serve', '--config', config];
  const { child, line } = await startNode(argv, AGENT_READY);
  try {
    const minted = (await askAgent(adminSocket, { cmd: 'pair' })) as PairingCodeForCli;
    return { url: AGENT_READY.exec(line)?.[1] ?? '', code: minted.code, child };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

/** runMode pairs a device if it can, pre-signs every request, warms up, then times the batch. */
async function runMode(label: string, server: Server): Promise<ModeResult> {
  try {
    const device = await newBenchDevice(server.url);
    if (server.code) await pairBenchDevice(server.url, server.code, device);
    // The unsigned server gets the very same signed requests and ignores their headers, so the
    // two runs differ only in verifying them.
    const warm = await presignStatus(device, WARMUP);
    const signStart = performance.now();
    const timed = await presignStatus(device, COUNT);
    const signPerSecond = COUNT / ((performance.now() - signStart) / 1000);
    const url = new URL(ROUTES.status, server.url);
    await fireRequests(url, warm, IN_FLIGHT);
    const rounds: LoadResult[] = [];
    const perRound = COUNT / ROUNDS;
    for (let i = 0; i < ROUNDS; i++) {
      rounds.push(
        await fireRequests(url, timed.slice(i * perRound, (i + 1) * perRound), IN_FLIGHT),
      );
    }
    const rssAfterMb = (await rssBytes(server.child.pid ?? 0)) / 2 ** 20;
    return { label, ...combineRounds(rounds), rssAfterMb, signPerSecond };
  } finally {
    await stopChild(server.child);
  }
}

function describe(run: ModeResult): string {
  const statuses = [...run.statuses].map(([status, n]) => `${thousands(n)}× ${status}`).join(', ');
  const rounds = run.roundsPerSecond.map(thousands).join(' / ');
  return `${run.label.padEnd(46)} ${thousands(run.perSecond).padStart(6)} req/s (rounds ${rounds})   p50 ${ms(run.p50Ms)}   p99 ${ms(run.p99Ms)}   answers: ${statuses}   RSS after ${run.rssAfterMb.toFixed(1)} MB`;
}

/** benchStatusThroughput runs the unsigned baseline, createApp signed, and the real agent. */
export async function benchStatusThroughput(options: {
  agentBin: string;
  statusServer: string;
  configPath: string;
}): Promise<BenchResult[]> {
  const config = await writeBenchConfig(options.configPath);
  const bench = (mode: string) => startBenchServer(options.statusServer, mode, config.path);
  const unsigned = await runMode(
    'unsigned: same route and stack, no signature',
    await bench('unsigned'),
  );
  const signed = await runMode(
    'signed: createApp(deps) in the bench server',
    await bench('signed'),
  );
  const agent = await runMode(
    'signed: the real agent (dist bundle, serve)',
    await startRealAgent(options.agentBin, config.path, config.adminSocket),
  );

  const verdict = (run: ModeResult) => run.perSecond >= TARGET_PER_SECOND;
  printSection(
    `3. GET /api/v1/status throughput: ${thousands(COUNT)} pre-signed requests in ${ROUNDS} rounds (median round shown) after ${thousands(WARMUP)} warm-up, ${IN_FLIGHT} in flight on keep-alive node:http; server in a child process`,
    [
      ...[unsigned, signed, agent].map(describe),
      `signed / unsigned: ${(signed.perSecond / unsigned.perSecond).toFixed(2)}× (bench server), ${(agent.perSecond / unsigned.perSecond).toFixed(2)}× (real agent)`,
      `target ≥ ${thousands(TARGET_PER_SECOND)} signed req/s: createApp ${mark(verdict(signed))}, real agent ${mark(verdict(agent))}`,
      `pre-signing in the load process (not timed): ${thousands(signed.signPerSecond)} requests/s`,
    ],
  );
  return [signed, agent].map((run) => ({
    name: run === signed ? 'signed status, createApp' : 'signed status, real agent',
    measured: `${thousands(run.perSecond)} req/s`,
    baseline: `${thousands(unsigned.perSecond)} req/s unsigned`,
    ratio: `${(run.perSecond / unsigned.perSecond).toFixed(2)}×`,
    target: `≥ ${thousands(TARGET_PER_SECOND)} req/s`,
    met: verdict(run),
  }));
}
