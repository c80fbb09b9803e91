// Bench 5's tools: a sandbox Pi with a real LUKS2 image and the agent on it, a paired phone, the
// image's KDF calibrated to this machine, and one timed unlock (or lock, or bare open) each.
import { readFile, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { askAgent } from '../agent/src/adapters/admin-socket.ts';
import { runCommand } from '../agent/src/adapters/run-command.ts';
import type { PairingCodeForCli } from '../agent/src/services/admin.ts';
import { createSandboxPi, type SandboxPi } from '../sandbox-pi/index.ts';
import { ROUTES } from '../shared/api.ts';
import type { HelloResponse } from '../shared/pairing.ts';
import { fromBase64url, utf8Encode } from '../shared/protocol/index.ts';
import type { OperationStarted } from '../shared/unlock.ts';
import {
  formatDriveImage,
  pollOperation,
  postLock,
  sealedUnlockBody,
  type UnlockingDevice,
} from '../tests/fixtures/unlock-client.ts';
import {
  type BenchDevice,
  newBenchDevice,
  pairBenchDevice,
  signedHeaders,
} from './bench-device.ts';
import { startNode, stopChild } from './processes.ts';

export const PASSPHRASE = 'bench unlock passphrase';
const AGENT_READY = /^immich-pi-agent listening on (\S+)$/;

/** passphraseBytes answers a fresh copy each time: the commands it goes to may zero it. */
export const passphraseBytes = () => utf8Encode(PASSPHRASE);

/** UnlockBench is the agent on its sandbox and the bench's paired phone. */
export interface UnlockBench {
  pi: SandboxPi & { cryptsetupPath: string };
  agentBin: string;
  url: string;
  device: BenchDevice;
  phone: UnlockingDevice;
  stop(): Promise<void>;
}

/** timed answers how many ms `run` took. */
export async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/**
 * startUnlockBench makes a sandbox Pi (real cryptsetup required), raises the per-device rate
 * (the bench polls its operations), starts the agent and pairs a phone through the admin socket.
 */
export async function startUnlockBench(agentBin: string): Promise<UnlockBench> {
  const made = await createSandboxPi({ port: 0 });
  const { cryptsetupPath } = made;
  if (!made.cryptsetupAvailable || !cryptsetupPath) {
    await made.remove();
    throw new Error('cryptsetup is not installed: the unlock bench needs it');
  }
  const pi = { ...made, cryptsetupPath };
  const raw = JSON.parse(await readFile(pi.configPath, 'utf8'));
  raw.security = { ...raw.security, ratePerSecond: 1000, rateBurst: 1000 };
  await writeFile(pi.configPath, `${JSON.stringify(raw, null, 2)}\n`);
  const agent = await startNode([agentBin, 'serve', '--config', pi.configPath], AGENT_READY);
  const stop = async () => {
    await stopChild(agent.child);
    await pi.remove();
  };
  try {
    const url = AGENT_READY.exec(agent.line)?.[1] ?? '';
    const minted = (await askAgent(pi.config.adminSocket, { cmd: 'pair' })) as PairingCodeForCli;
    const device = await newBenchDevice(url);
    await pairBenchDevice(url, minted.code, device);
    const hello = (await (await fetch(new URL(ROUTES.hello, url))).json()) as HelloResponse;
    const phone: UnlockingDevice = {
      agentKey: fromBase64url(hello.agentKey) ?? new Uint8Array(),
      async signedFetch(method: string, path: string, body?: unknown) {
        const bytes = body === undefined ? undefined : utf8Encode(JSON.stringify(body));
        const headers = await signedHeaders(device, method, path, bytes);
        if (bytes) headers['content-type'] = 'application/json';
        return fetch(new URL(path, url), { method, headers, body: bytes });
      },
    };
    return { pi, agentBin, url, device, phone, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * unlockOnce sends one unlock, sealed and signed before the clock starts (as the PWA does before
 * sending), follows it to its end every 500 ms (the PWA's own pace, so the KDF shares the cores
 * with what it would share them with), and answers the open step's startedAt and finishedAt less
 * the sending time. All three are Date.now() on this machine, so the times are exact to 1 ms
 * whatever the polling interval.
 */
export async function unlockOnce(
  bench: UnlockBench,
): Promise<{ agent: number; beforeHelper: number }> {
  const body = utf8Encode(JSON.stringify(await sealedUnlockBody(bench.phone, PASSPHRASE)));
  const headers = await signedHeaders(bench.device, 'POST', ROUTES.unlock, body);
  headers['content-type'] = 'application/json';
  const sentAt = Date.now();
  const res = await fetch(new URL(ROUTES.unlock, bench.url), { method: 'POST', headers, body });
  if (res.status !== 202) throw new Error(`unlock answered ${res.status}: ${await res.text()}`);
  const { operationId } = (await res.json()) as OperationStarted;
  const op = await pollOperation(bench.phone, operationId, { everyMs: 500, timeoutMs: 60_000 });
  const open = op.steps.find((step) => step.id === 'open');
  if (op.state !== 'succeeded' || !open?.startedAt || !open.finishedAt) {
    throw new Error(`the bench unlock failed: ${JSON.stringify(op.error)}`);
  }
  return { agent: open.finishedAt - sentAt, beforeHelper: open.startedAt - sentAt };
}

/** lockOnce locks through the agent and waits for the end. */
export async function lockOnce(bench: UnlockBench): Promise<void> {
  const started = await postLock(bench.phone);
  if (started.status !== 202) throw new Error(`lock answered ${started.status}`);
  const op = await pollOperation(bench.phone, started.body.operationId, { everyMs: 50 });
  if (op.state !== 'succeeded') throw new Error(`the bench lock failed: ${op.error?.code}`);
}

/** bareOpen times one bare `cryptsetup open --test-passphrase` of the image, from here. */
export function bareOpen(pi: UnlockBench['pi']): Promise<number> {
  const argv = [pi.cryptsetupPath, 'open', '--test-passphrase', '--type', 'luks2'];
  argv.push('--key-file=-', pi.imagePath);
  return timed(() => runCommand(argv, { stdin: passphraseBytes(), timeoutMs: 60_000 }));
}

type Kdf = { type?: string; time?: number; memory?: number; cpus?: number };

async function kdfOf(pi: UnlockBench['pi']): Promise<Kdf> {
  const argv = [pi.cryptsetupPath, 'luksDump', '--dump-json-metadata', pi.imagePath];
  const { stdout } = await runCommand(argv);
  const slot = Object.values(JSON.parse(stdout).keyslots ?? {})[0] as { kdf?: Kdf } | undefined;
  return slot?.kdf ?? {};
}

/**
 * calibrateKdf formats the image so a bare open takes about targetMs here: cryptsetup's own
 * --iter-time guess first (it benchmarks under whatever else runs), then the iterations (or,
 * at their minimum of 4, the memory) scaled by what a bare open really took, at most 3 times.
 * It answers the KDF in words and the last bare open's time.
 */
export async function calibrateKdf(pi: UnlockBench['pi'], targetMs: number) {
  await formatDriveImage(pi, PASSPHRASE, { iterTimeMs: targetMs });
  for (let attempt = 0; ; attempt++) {
    const kdf = await kdfOf(pi);
    await bareOpen(pi); // the header into the page cache
    const bareMs = await bareOpen(pi);
    const scale = targetMs / bareMs;
    if (attempt === 3 || Math.abs(scale - 1) < 0.15) {
      const words = `${kdf.type} ${Math.round((kdf.memory ?? 0) / 1024)} MiB × ${kdf.time} iterations, ${kdf.cpus} lanes`;
      return { kdf: words, bareMs };
    }
    const { time = 4, memory = 65_536, cpus = 1 } = kdf;
    const iterations = Math.round(time * scale);
    await formatDriveImage(pi, PASSPHRASE, {
      iterations: Math.max(4, iterations),
      memoryKiB: iterations >= 4 ? memory : Math.round((memory * time * scale) / 4),
      parallel: cpus,
    });
  }
}
