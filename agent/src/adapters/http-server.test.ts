// listenHttp's slow-client limits: the documented values, and a slow client answered 408 and closed.
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { HTTP_TIMEOUTS, listenHttp } from './http-server.ts';

/** exchange writes `text` on a fresh connection and answers all it reads until the server closes. */
function exchange(url: string, text: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(text));
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.once('error', reject);
    socket.once('close', () => resolve(answer));
  });
}

// The handler reads the whole body, so only the server's own limits can end a slow request.
const readsBody = (request: Request) =>
  request.arrayBuffer().then(
    () => new Response('whole'),
    () => new Response('cut short'),
  );

describe('listenHttp', () => {
  it('closes slow clients at the documented limits, checked twice a second', () => {
    expect(HTTP_TIMEOUTS).toEqual({ headersMs: 10_000, requestMs: 30_000, checkEveryMs: 500 });
  });

  it.each([
    ['headers that never end', 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a'],
    [
      'a body that never ends',
      'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{"a":',
    ],
  ])('answers %s with a JSON 408 request-timeout, then closes', async (_, text) => {
    const listening = await listenHttp(
      readsBody,
      { host: '127.0.0.1', port: 0 },
      { headersMs: 200, requestMs: 400, checkEveryMs: 50 },
    );
    try {
      const answer = await exchange(listening.url, text);
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 408 /);
      expect(head).toMatch(/^Connection: close$/im);
      expect(JSON.parse(body)).toMatchObject({ error: { code: 'request-timeout' } });
    } finally {
      await listening.close();
    }
  });
});
