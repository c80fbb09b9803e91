// The HTTP listener: TCP on loopback (demo) or a unix socket (behind tailscale serve on the Pi).
import { chmod } from 'node:fs/promises';
import type { Server as HttpServer } from 'node:http';
import { createServer, STATUS_CODES } from 'node:http';
import type { Server, Socket } from 'node:net';
import { getRequestListener, type Http2Bindings, type HttpBindings } from '@hono/node-server';
import { ERROR_STATUS, type ErrorCode } from '../../../shared/errors.ts';
import type { Config } from '../config.ts';
import { removeStaleSocket } from './admin-socket.ts';

export interface Listening {
  url: string;
  close(): Promise<void>;
}

export interface HttpTimeouts {
  /** From the connection's (or the request's) first byte to the end of its headers. */
  headersMs: number;
  /** From the request's first byte to the end of its body. */
  requestMs: number;
  /**
   * Node checks both only every this often, so a slow client is closed between the limit and
   * the limit plus this. Its default, 30 s, closed slow headers after 10 to 40 s and slow bodies
   * after 30 to 60 s (issue 15).
   */
  checkEveryMs: number;
}

/** HTTP_TIMEOUTS are the limits docs/api.md promises: 10 s for headers, 30 s for a whole request. */
export const HTTP_TIMEOUTS: HttpTimeouts = {
  headersMs: 10_000,
  requestMs: 30_000,
  checkEveryMs: 500,
};

/**
 * listenHttp serves `fetch` where the config says and resolves once it accepts connections.
 * `fetch` gets Node's request and response as its env (HttpBindings), so the body can be read
 * from the stream itself (middleware/read-body.ts). Slow clients get a 408 `request-timeout`.
 */
export async function listenHttp(
  fetch: (request: Request, env: HttpBindings | Http2Bindings) => Response | Promise<Response>,
  where: Config['listen'],
  timeouts: HttpTimeouts = HTTP_TIMEOUTS,
): Promise<Listening> {
  // A request the adapter cannot turn into a Request (a bad Host, a `*` target) gets our JSON 400.
  const server: HttpServer = createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      connectionsCheckingInterval: timeouts.checkEveryMs,
    },
    getRequestListener(fetch, { errorHandler: () => jsonError('bad-request') }),
  );
  server.on('clientError', answerClientError);
  if ('socket' in where) await removeStaleSocket(where.socket);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if ('socket' in where) server.listen(where.socket, resolve);
    else server.listen(where.port, where.host, resolve);
  });
  return { url: await describe(server, where), close: () => closeServer(server) };
}

async function describe(server: Server, where: Config['listen']): Promise<string> {
  if ('socket' in where) {
    await chmod(where.socket, 0o660);
    return `unix:${where.socket}`;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : where.port;
  return `http://${where.host.includes(':') ? `[${where.host}]` : where.host}:${port}/`;
}

// Requests Node cannot even parse (headers over its limit, broken framing) still get our JSON
// error shape with a stable code, rather than Node's bare default answer.
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const code: ErrorCode =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 'headers-too-large'
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'request-timeout'
        : 'bad-request';
  const status = ERROR_STATUS[code];
  const body = unreadableBody(code);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

const unreadableBody = (code: ErrorCode) =>
  JSON.stringify({ error: { code, message: 'The request could not be read.' } });

function jsonError(code: ErrorCode): Response {
  return new Response(unreadableBody(code), {
    status: ERROR_STATUS[code],
    headers: { 'content-type': 'application/json', 'x-content-type-options': 'nosniff' },
  });
}

/** closeServer stops accepting and drops idle keep-alive connections. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
  });
}
