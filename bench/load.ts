// The load generator: pre-built requests fired over keep-alive node:http with a fixed number in flight.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface LoadResult {
  perSecond: number;
  /** Each request's time from sending it to the end of its answer, in request order. */
  latenciesMs: Float64Array;
  /** How many answers had each status code (all 200 when every request was accepted). */
  statuses: Map<number, number>;
}

function getOnce(agent: Agent, url: URL, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'GET', headers },
      (res) => {
        res.resume(); // read and drop the body, so the connection is free for the next request
        res.once('end', () => resolve(res.statusCode ?? 0));
        res.once('error', reject);
      },
    );
    req.once('error', reject);
    req.end();
  });
}

/**
 * fireRequests sends one GET to `url` per header set, `inFlight` at a time (one keep-alive
 * connection each), and answers the rate over the whole batch and each request's latency.
 */
export async function fireRequests(
  url: URL,
  headerSets: readonly Record<string, string>[],
  inFlight: number,
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
  const latencies = new Float64Array(headerSets.length);
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      const headers = headerSets[i];
      if (!headers) return;
      const sentAt = performance.now();
      const status = await getOnce(agent, url, headers);
      latencies[i] = performance.now() - sentAt;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  const startedAt = performance.now();
  try {
    await Promise.all(Array.from({ length: inFlight }, worker));
  } finally {
    agent.destroy();
  }
  const seconds = (performance.now() - startedAt) / 1000;
  return { perSecond: headerSets.length / seconds, latenciesMs: latencies, statuses };
}
