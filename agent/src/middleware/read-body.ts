// Reads a request's body once, with a cap, from Node's own request stream (ARCHITECTURE §4).
import type { IncomingMessage } from 'node:http';
import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import { ApiError } from '../errors.ts';

/** Methods whose requests carry no body: one that frames one anyway is refused unread. */
export const BODYLESS_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/** tooLarge is the 413; the rest of the body stays unread, so the connection must not be reused. */
export function tooLarge(c: Context, message: string): ApiError {
  c.header('Connection', 'close');
  return new ApiError('payload-too-large', message);
}

/** declaresBody tells from the framing headers alone whether a body follows them. */
export function declaresBody(c: Context): boolean {
  return (
    c.req.header('transfer-encoding') !== undefined || Number(c.req.header('content-length')) > 0
  );
}

/**
 * readBody answers the body's bytes (null when there is none), refusing more than `maxBytes`
 * unread when Content-Length says so and as soon as a chunked body passes it.
 *
 * Under @hono/node-server it reads the IncomingMessage and never touches `c.req.raw.body`,
 * `arrayBuffer()` or `signal`: any of those makes the adapter build a full undici Request with an
 * AbortSignal, whose listeners and weak references outlive every young-generation GC. Under a
 * flood they piled up in the old generation by the hundred megabytes and only a full GC freed
 * them (issue 15; bench/memory-under-flood.ts). Through `app.request()` (tests, no Node request)
 * it reads the Request's stream instead.
 */
export async function readBody(c: Context, maxBytes: number): Promise<Uint8Array | null> {
  if (Number(c.req.header('content-length')) > maxBytes) {
    throw tooLarge(c, `The body is larger than ${maxBytes} bytes.`);
  }
  const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming;
  if (!incoming) {
    const stream = c.req.raw.body;
    return stream ? readStream(c, stream, maxBytes) : null;
  }
  if (!declaresBody(c)) return null;
  if (BODYLESS_METHODS.has(c.req.method)) {
    throw tooLarge(c, `A ${c.req.method} request carries no body.`);
  }
  return readIncoming(c, incoming, maxBytes);
}

function readIncoming(
  c: Context,
  incoming: IncomingMessage,
  maxBytes: number,
): Promise<Uint8Array | null> {
  // Gone before we started (the client left, or Node's request timeout closed it).
  if (incoming.destroyed) return Promise.reject(cutShort());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onGone);
      incoming.off('close', onGone);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        stop();
        incoming.pause();
        reject(tooLarge(c, `The body is larger than ${maxBytes} bytes.`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(size === 0 ? null : Buffer.concat(chunks, size));
    };
    const onGone = () => {
      stop();
      reject(cutShort());
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onGone);
    incoming.on('close', onGone);
  });
}

async function readStream(
  c: Context,
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<Uint8Array | null> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(c, `The body is larger than ${maxBytes} bytes.`);
    }
    chunks.push(value);
  }
  return size === 0 ? null : Buffer.concat(chunks, size);
}

// A known error, so a client that hangs up mid-body is not logged as the agent's fault.
const cutShort = () => new ApiError('bad-request', 'The body ended before it was complete.');
