// The Immich ping: pong only counts when it is exactly {"res":"pong"}; nothing ever throws.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createImmichPing } from './immich.ts';

let server: Server | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(null));
  server = null;
});

/** serve answers every request with handler's status and body, on loopback. */
async function serve(handler: (path: string) => { status: number; body: string } | null) {
  const seen: string[] = [];
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const answer = handler(req.url ?? '');
    if (!answer) return; // never answer: the ping must time out
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, seen };
}

describe('createImmichPing', () => {
  it('is true for {"res":"pong"} from GET /api/server/ping', async () => {
    const immich = await serve(() => ({ status: 200, body: '{"res":"pong"}' }));
    expect(await createImmichPing({ immichUrl: immich.url })()).toBe(true);
    expect(immich.seen).toEqual(['GET /api/server/ping']);
  });

  it.each([
    [200, '{"res":"ping"}'],
    [200, 'pong'],
    [200, '"pong"'],
    [503, '{"res":"pong"}'],
    [200, `{"res":"pong","pad":"${'x'.repeat(2000)}"}`],
  ])('is false for %i %s', async (status, body) => {
    const immich = await serve(() => ({ status, body }));
    expect(await createImmichPing({ immichUrl: immich.url })()).toBe(false);
  });

  it('is false when nothing listens or the answer does not come in time', async () => {
    expect(await createImmichPing({ immichUrl: 'http://127.0.0.1:1' })()).toBe(false);
    const silent = await serve(() => null);
    const started = performance.now();
    expect(await createImmichPing({ immichUrl: silent.url, timeoutMs: 100 })()).toBe(false);
    expect(performance.now() - started).toBeLessThan(1500);
  });
});
