// An attacker's flood for the benches: forged-signature or unsigned GETs, back to back on keep-alive.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROUTES } from '../shared/api.ts';
import {
  type BenchDevice,
  newBenchDevice,
  pairBenchDevice,
  signedHeaders,
} from './bench-device.ts';
import { stopChild } from './processes.ts';
import { startRealAgent } from './throughput.ts';

/**
 * forged: GET /api/v1/status signed in our exact profile for a paired keyid, but with 64 random
 * bytes for the signature, so every request costs the agent an Ed25519 verification (no key
 * needed to send it). unsigned: GET /api/v1/hello, which anyone on the tailnet may ask.
 */
export type FloodKind = 'forged' | 'unsigned';

export interface FloodResult {
  sent: number;
  perSecond: number;
  /** How many answers had each status code; 0 counts requests that failed on the connection. */
  statuses: Map<number, number>;
}

/** forgedHeaders signs like the device, then swaps the signature for random bytes. */
async function forgedHeaders(device: BenchDevice): Promise<Record<string, string>> {
  const headers = await signedHeaders(device, 'GET', ROUTES.status);
  headers.signature = `sig1=:${randomBytes(64).toString('base64')}:`;
  return headers;
}

/** getOnce sends one GET and answers its status once the answer has been read (0: the connection failed). */
export function getOnce(agent: Agent, url: URL, path: string, headers: Record<string, string>) {
  return new Promise<number>((resolve) => {
    const req = request(
      { agent, host: url.hostname, port: url.port, path, method: 'GET', headers },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
        res.once('error', () => resolve(0));
      },
    );
    req.once('error', () => resolve(0));
    req.end();
  });
}

/**
 * flood sends `kind` requests to the agent at `baseUrl` for `durationMs`, one at a time on each of
 * `connections` keep-alive connections, as fast as the agent answers. The forged headers are
 * re-made once a second (their `created` must stay within the agent's skew); the signature fails
 * before any nonce is looked at, so reusing one within the second changes nothing for the agent.
 */
export async function flood(options: {
  baseUrl: string;
  kind: FloodKind;
  /** The paired device whose keyid the forged requests claim. */
  device: BenchDevice;
  connections: number;
  durationMs: number;
}): Promise<FloodResult> {
  const { kind, device, connections, durationMs } = options;
  const url = new URL(options.baseUrl);
  const path = kind === 'forged' ? ROUTES.status : ROUTES.hello;
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const statuses = new Map<number, number>();
  let headers: Record<string, string> = kind === 'forged' ? await forgedHeaders(device) : {};
  let sent = 0;
  const startedAt = performance.now();
  const endAt = startedAt + durationMs;
  const refresh =
    kind === 'forged'
      ? setInterval(async () => {
          headers = await forgedHeaders(device);
        }, 1000)
      : undefined;
  const worker = async () => {
    while (performance.now() < endAt) {
      const status = await getOnce(agent, url, path, headers);
      sent++;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  try {
    await Promise.all(Array.from({ length: connections }, worker));
  } finally {
    clearInterval(refresh);
    agent.destroy();
  }
  return { sent, perSecond: sent / ((performance.now() - startedAt) / 1000), statuses };
}

/**
 * unitNodeFlags answers the V8 flags nix/units.nix gives the agent's unit (NODE_OPTIONS), so the
 * flood benches run the agent with the heap the Pi gives it.
 */
export async function unitNodeFlags(repoRoot: string): Promise<string[]> {
  const units = await readFile(join(repoRoot, 'nix', 'units.nix'), 'utf8');
  const options = /NODE_OPTIONS = "([^"]*)"/.exec(units)?.[1];
  if (options === undefined) throw new Error('nix/units.nix gives the agent no NODE_OPTIONS');
  return options.split(' ').filter(Boolean);
}

/** startPairedAgent starts the real agent on `configPath` and pairs a bench phone with it. */
export async function startPairedAgent(
  agentBin: string,
  configPath: string,
  nodeFlags: readonly string[],
) {
  const { adminSocket } = JSON.parse(await readFile(configPath, 'utf8')) as { adminSocket: string };
  const agent = await startRealAgent(agentBin, configPath, adminSocket, nodeFlags);
  try {
    const device = await newBenchDevice(agent.url);
    await pairBenchDevice(agent.url, agent.code, device);
    return { child: agent.child, url: agent.url, device };
  } catch (error) {
    await stopChild(agent.child);
    throw error;
  }
}
