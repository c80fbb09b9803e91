// Bench 8: GET /api/v1/backups with 1,000 runs and 1,000 snapshots in the store, against
// GET /api/v1/status in the same run: median latency and response size of the first page.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { askAgent } from '../agent/src/adapters/admin-socket.ts';
import { encodeStateFile } from '../agent/src/adapters/state-store/load.ts';
import type { PairingCodeForCli } from '../agent/src/services/admin.ts';
import type { BackupsState } from '../agent/src/services/backups/history.ts';
import { createSandboxPi } from '../sandbox-pi/index.ts';
import { ROUTES } from '../shared/api.ts';
import type { BackupRun } from '../shared/backups.ts';
import { newBenchDevice, pairBenchDevice, signedHeaders } from './bench-device.ts';
import { startNode, stopChild } from './processes.ts';
import { type BenchResult, mark, median, ms, printSection } from './report.ts';

const AGENT_READY = /^immich-pi-agent listening on (\S+)$/;
const RUNS = 1000;
const REQUESTS = 200;
const TARGET_MS = 20;
const DAY = 24 * 3600_000;

/** bigHistory is backups.json after almost three years of daily runs, every tenth one failed. */
function bigHistory(now: number): BackupsState {
  const runs: BackupRun[] = [];
  for (let i = 0; i < RUNS; i++) {
    const failed = i % 10 === 0;
    const startedAt = now - (RUNS - i) * DAY;
    runs.push({
      id: i.toString(16).padStart(32, '0'),
      seq: i + 1,
      startedAt,
      endedAt: startedAt + 600_000,
      durationSeconds: 600,
      result: failed ? 'failed' : 'succeeded',
      reason: failed ? 'error sending request for url: operation timed out' : null,
      flags: [],
      snapshotId: failed ? null : i.toString(16).padStart(64, 'a'),
      filesNew: failed ? null : 40,
      filesChanged: failed ? null : 2,
      filesProcessed: failed ? null : 118_000 + i,
      bytesAdded: failed ? null : 250_000_000,
      demo: false,
      exit: {
        serviceResult: failed ? 'exit-code' : 'success',
        exitCode: 'exited',
        exitStatus: failed ? '1' : '0',
      },
      log: Array.from(
        { length: failed ? 50 : 10 },
        (_, n) => `2026-11-24T03:00:${n}+0000 rustic[42]: [INFO] line ${n} of the run's journal`,
      ),
    });
  }
  const ids = Array.from({ length: 1000 }, (_, n) => n.toString(16).padStart(64, 'b'));
  return {
    watchingSince: now - RUNS * DAY,
    seq: RUNS,
    runs,
    snapshots: { ids, newestAt: now - DAY, newestId: ids.at(-1) ?? null },
    alerted: { failed: false, stale: false },
  };
}

/** benchBackups times the first page of the history and status, interleaved, on one agent. */
export async function benchBackups(agentBin: string): Promise<BenchResult> {
  const pi = await createSandboxPi({ port: 0, withoutCryptsetup: true });
  await writeFile(
    join(pi.config.stateDir, 'backups.json'),
    encodeStateFile(bigHistory(Date.now())),
  );
  // One phone asks 400 times in a row: past the per-device rate limit, which is not measured here.
  const raw = JSON.parse(await readFile(pi.configPath, 'utf8'));
  raw.security = { ...raw.security, ratePerSecond: 1e6, rateBurst: 1e6 };
  await writeFile(pi.configPath, JSON.stringify(raw));
  const agent = await startNode([agentBin, 'serve', '--config', pi.configPath], AGENT_READY);
  try {
    const url = AGENT_READY.exec(agent.line)?.[1] ?? '';
    const minted = (await askAgent(pi.config.adminSocket, { cmd: 'pair' })) as PairingCodeForCli;
    const device = await newBenchDevice(url);
    await pairBenchDevice(url, minted.code, device);
    const get = async (path: string, query = '') => {
      const headers = await signedHeaders(device, 'GET', path, undefined, query);
      const started = performance.now();
      const response = await fetch(new URL(`${path}${query}`, url), { headers });
      const body = await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
      return { ms: performance.now() - started, bytes: body.byteLength };
    };
    const page: number[] = [];
    const status: number[] = [];
    let pageBytes = 0;
    for (let i = 0; i < REQUESTS + 10; i++) {
      const a = await get(ROUTES.backups);
      const b = await get(ROUTES.status);
      if (i < 10) continue; // warm-up
      page.push(a.ms);
      status.push(b.ms);
      pageBytes = a.bytes;
    }
    const next = await get(ROUTES.backups, '?limit=20&before=500');
    const all = await get(ROUTES.backups, '?limit=100');
    const measured = median(page);
    const baseline = median(status);
    const met = measured <= TARGET_MS;
    printSection(
      `8. GET /api/v1/backups, ${RUNS} runs and 1,000 snapshots in the store (target ≤ ${TARGET_MS} ms, paginated)`,
      [
        `first page (20 runs + the 42-day chart + summary): median ${ms(measured)}, ${(pageBytes / 1024).toFixed(1)} KB`,
        `GET /api/v1/status (baseline): median ${ms(baseline)}`,
        `a later page (20 runs, no chart): ${ms(next.ms)}, ${(next.bytes / 1024).toFixed(1)} KB; 100 runs: ${ms(all.ms)}, ${(all.bytes / 1024).toFixed(1)} KB`,
        `${REQUESTS} requests each, interleaved, signed, over loopback ${mark(met)}`,
      ],
    );
    return {
      name: 'backups first page',
      measured: `${ms(measured)}, ${(pageBytes / 1024).toFixed(1)} KB`,
      baseline: `status ${ms(baseline)}`,
      ratio: `${(measured / baseline).toFixed(2)}×`,
      target: `≤ ${TARGET_MS} ms`,
      met,
    };
  } finally {
    await stopChild(agent.child);
    await pi.remove();
  }
}
