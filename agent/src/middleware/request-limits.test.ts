// Bodies as @hono/node-server hands them over: read from Node's stream with a cap, never the Request's.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../../shared/api.ts';
import { makeAgent, newDevice, pairDevice, signed } from '../app.fixtures.ts';

/**
 * Tripwire is a Request whose body and signal throw: touching either under @hono/node-server
 * builds a full undici Request with an AbortSignal, the objects that piled up under a flood.
 */
class Tripwire extends Request {
  override get body(): never {
    throw new Error('the Request body was touched');
  }
  override get signal(): never {
    throw new Error('the Request signal was touched');
  }
  override arrayBuffer(): never {
    throw new Error('the Request body was read');
  }
}

/** incoming is Node's request stream for `chunks`; `pulled()` tells whether anyone read it. */
function incoming(chunks: Uint8Array[] = []) {
  let pulled = false;
  let next = 0;
  const stream = new Readable({
    read() {
      pulled = true;
      this.push(chunks[next++] ?? null);
    },
  });
  return { stream, pulled: () => pulled };
}

/** send hands the app `request`'s method, URL and headers the way the Node adapter does. */
async function send(
  agent: ReturnType<typeof makeAgent>,
  request: Request,
  body: ReturnType<typeof incoming> = incoming(),
  headers: Record<string, string> = {},
) {
  const all = new Headers(request.headers);
  for (const [name, value] of Object.entries(headers)) all.set(name, value);
  const res = await agent.app.fetch(
    new Tripwire(request.url, { method: request.method, headers: all }),
    { incoming: body.stream as IncomingMessage, outgoing: {} as ServerResponse },
  );
  const json = (await res.json()) as { error?: { code: string } };
  return { status: res.status, code: json.error?.code, connection: res.headers.get('connection') };
}

const bytes = async (request: Request) => new Uint8Array(await request.arrayBuffer());

describe('request bodies through the Node adapter', () => {
  it('never touch the Request body or signal of a GET, signed or not', async () => {
    const agent = makeAgent();
    const phone = newDevice();
    await pairDevice(agent, phone, agent.deps.pairing.mint().code);
    const hello = await send(agent, new Request(new URL(ROUTES.hello, 'http://pi.test')));
    const status = await send(agent, await signed(agent, phone, 'GET', ROUTES.status));
    const file = await send(agent, new Request('http://pi.test/devices'));
    expect([hello.status, status.status, file.status]).toEqual([200, 200, 404]);
  });

  it("read a signed POST's body from Node's stream, whole", async () => {
    const agent = makeAgent();
    const phone = newDevice();
    await pairDevice(agent, phone, agent.deps.pairing.mint().code);
    const request = await signed(agent, phone, 'POST', ROUTES.pairingCodes, { name: 'Tablet' });
    const body = await bytes(request);
    const split = incoming([body.subarray(0, 5), body.subarray(5)]);
    const res = await send(agent, request, split, { 'content-length': String(body.length) });
    expect(res.status).toBe(201);
  });

  it('refuse a declared length over the cap unread, and a chunked body once it passes it', async () => {
    const agent = makeAgent();
    const phone = newDevice();
    await pairDevice(agent, phone, agent.deps.pairing.mint().code);
    const request = await signed(agent, phone, 'POST', ROUTES.pairingCodes, { name: 'Tablet' });
    const declared = incoming();
    const long = await send(agent, request, declared, { 'content-length': String(70 * 1024) });
    expect(long).toEqual({ status: 413, code: 'payload-too-large', connection: 'close' });
    expect(declared.pulled()).toBe(false);

    const chunk = new Uint8Array(16 * 1024).fill(0x20);
    const endless = incoming(Array.from({ length: 1000 }, () => chunk));
    const chunked = await send(agent, request, endless, { 'transfer-encoding': 'chunked' });
    expect(chunked).toEqual({ status: 413, code: 'payload-too-large', connection: 'close' });
  });

  it('refuse, unread, a body on a GET and anything but GET or HEAD outside /api/', async () => {
    const agent = makeAgent();
    const framed = { 'content-length': '5' };
    const cases = [
      [new Request(new URL(ROUTES.hello, 'http://pi.test')), framed, 413, 'payload-too-large'],
      [
        new Request('http://pi.test/'),
        { 'transfer-encoding': 'chunked' },
        413,
        'payload-too-large',
      ],
      [new Request('http://pi.test/', { method: 'POST' }), framed, 405, 'method-not-allowed'],
      [new Request('http://pi.test/x.js', { method: 'DELETE' }), {}, 405, 'method-not-allowed'],
    ] as const;
    for (const [request, headers, status, code] of cases) {
      const body = incoming([new Uint8Array(5)]);
      const res = await send(agent, request, body, headers);
      expect(res).toEqual({ status, code, connection: 'close' });
      expect(body.pulled()).toBe(false);
    }
  });
});
