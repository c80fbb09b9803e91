// The Immich API client against a real HTTP server on loopback: both API shapes, the key header
// only, and every failure as its code (key-refused, unreachable, bad-answer), never the key.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { apiFor, createImmichJobsClient, ImmichCallError } from './immich-jobs.ts';

const KEY = 'k3yS3cretVALUE0123456789abcdefABCDEF';

/** fixture reads one of our Immich answers, constructed from the spec (immich-fixtures/README.md). */
const fixture = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`./immich-fixtures/${name}.constructed.json`, import.meta.url), 'utf8'),
  );
const QUEUES_FIXTURE = fixture('queues-v2.4');
const JOBS_FIXTURE = fixture('jobs-legacy');

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(null));
  server = null;
});

type Answer = { status: number; body?: string; headers?: Record<string, string> } | null;

/** serve records each request and answers with handler's answer (null: never answer). */
async function serve(handler: (seen: Seen) => Answer) {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const one = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(one);
      const answer = handler(one);
      if (!answer) return;
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen };
}

const json = (value: unknown): Answer => ({ status: 200, body: JSON.stringify(value) });

/** failure runs call and answers its ImmichCallError, checking the key is not in its message. */
async function failure(call: () => Promise<unknown>): Promise<ImmichCallError> {
  const error = await call().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImmichCallError);
  expect(String((error as Error).message)).not.toContain(KEY);
  expect(JSON.stringify(error)).not.toContain(KEY);
  return error as ImmichCallError;
}

describe('apiFor', () => {
  it('uses the queues API from 2.4.0 on and the jobs API before', () => {
    expect(apiFor({ major: 2, minor: 4, patch: 0 })).toBe('queues');
    expect(apiFor({ major: 2, minor: 5, patch: 6 })).toBe('queues');
    expect(apiFor({ major: 3, minor: 0, patch: 0 })).toBe('queues');
    expect(apiFor({ major: 2, minor: 3, patch: 9 })).toBe('jobs');
    expect(apiFor({ major: 1, minor: 135, patch: 3 })).toBe('jobs');
  });
});

describe('createImmichJobsClient', () => {
  it('reads the version from GET /api/server/version with the key in x-api-key only', async () => {
    const immich = await serve(() => json({ major: 1, minor: 135, patch: 3, extra: 'x' }));
    const client = createImmichJobsClient({ baseUrl: `${immich.url}/` });
    expect(await client.version(KEY)).toEqual({ version: 'v1.135.3', api: 'jobs' });
    expect(immich.seen.map((s) => `${s.method} ${s.url}`)).toEqual(['GET /api/server/version']);
    const headers = immich.seen[0]?.headers ?? {};
    expect(headers['x-api-key']).toBe(KEY);
    const others = Object.entries(headers).filter(([name]) => name !== 'x-api-key');
    expect(JSON.stringify(others)).not.toContain(KEY);
    expect(immich.seen[0]?.url).not.toContain(KEY);
  });

  it('picks the queues API for a 2.4 server', async () => {
    const immich = await serve(() => json({ major: 2, minor: 4, patch: 1 }));
    const client = createImmichJobsClient({ baseUrl: immich.url });
    expect(await client.version(KEY)).toEqual({ version: 'v2.4.1', api: 'queues' });
  });

  it('parses GET /api/queues, keeping unknown queues, counts missing as 0', async () => {
    const immich = await serve(() => json(QUEUES_FIXTURE));
    const client = createImmichJobsClient({ baseUrl: immich.url });
    expect(await client.queues('queues', KEY)).toEqual([
      { name: 'thumbnailGeneration', waiting: 1204, active: 2, paused: false },
      { name: 'smartSearch', waiting: 300, active: 0, paused: true },
      { name: 'futureQueue', waiting: 7, active: 0, paused: false },
      { name: 'videoConversion', waiting: 0, active: 0, paused: false },
    ]);
    expect(immich.seen.map((s) => `${s.method} ${s.url}`)).toEqual(['GET /api/queues']);
  });

  it('parses GET /api/jobs, keeping unknown queues and leaving out what is not a queue', async () => {
    const immich = await serve(() => json(JOBS_FIXTURE));
    const client = createImmichJobsClient({ baseUrl: immich.url });
    expect(await client.queues('jobs', KEY)).toEqual([
      { name: 'thumbnailGeneration', waiting: 1204, active: 1, paused: false },
      { name: 'faceDetection', waiting: 80, active: 0, paused: true },
      { name: 'someNewQueue', waiting: 0, active: 0, paused: false },
    ]);
    expect(immich.seen.map((s) => `${s.method} ${s.url}`)).toEqual(['GET /api/jobs']);
  });

  it('pauses and resumes through PUT /api/queues/{name} with {isPaused}', async () => {
    const immich = await serve(() => json({}));
    const client = createImmichJobsClient({ baseUrl: immich.url });
    await client.setPaused('queues', 'thumbnailGeneration', true, KEY);
    await client.setPaused('queues', 'smartSearch', false, KEY);
    expect(immich.seen.map((s) => [s.method, s.url, JSON.parse(s.body)])).toEqual([
      ['PUT', '/api/queues/thumbnailGeneration', { isPaused: true }],
      ['PUT', '/api/queues/smartSearch', { isPaused: false }],
    ]);
    expect(immich.seen[0]?.headers['x-api-key']).toBe(KEY);
    expect(immich.seen[0]?.headers['content-type']).toBe('application/json');
  });

  it('pauses and resumes through PUT /api/jobs/{name} with {command, force:false}', async () => {
    const immich = await serve(() => json(JOBS_FIXTURE.faceDetection));
    const client = createImmichJobsClient({ baseUrl: immich.url });
    await client.setPaused('jobs', 'faceDetection', true, KEY);
    await client.setPaused('jobs', 'faceDetection', false, KEY);
    expect(immich.seen.map((s) => [s.method, s.url, JSON.parse(s.body)])).toEqual([
      ['PUT', '/api/jobs/faceDetection', { command: 'pause', force: false }],
      ['PUT', '/api/jobs/faceDetection', { command: 'resume', force: false }],
    ]);
  });

  it('refuses a queue name that is not an identifier, asking nothing', async () => {
    const immich = await serve(() => json({}));
    const client = createImmichJobsClient({ baseUrl: immich.url });
    const error = await failure(() => client.setPaused('queues', '../server/x', true, KEY));
    expect(error.code).toBe('bad-answer');
    expect(immich.seen).toEqual([]);
  });

  it.each([401, 403])('is key-refused on %i', async (status) => {
    const immich = await serve(() => ({ status, body: `{"message":"Invalid API key"}` }));
    const client = createImmichJobsClient({ baseUrl: immich.url });
    expect((await failure(() => client.version(KEY))).code).toBe('key-refused');
    expect((await failure(() => client.setPaused('jobs', 'ocr', true, KEY))).code).toBe(
      'key-refused',
    );
  });

  it('is unreachable when nothing listens or no answer comes in time', async () => {
    const nobody = createImmichJobsClient({ baseUrl: 'http://127.0.0.1:1' });
    expect((await failure(() => nobody.queues('queues', KEY))).code).toBe('unreachable');
    const silent = await serve(() => null);
    const client = createImmichJobsClient({ baseUrl: silent.url, timeoutMs: 150 });
    const started = performance.now();
    expect((await failure(() => client.queues('jobs', KEY))).code).toBe('unreachable');
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('follows no redirect', async () => {
    const immich = await serve((seen) =>
      seen.url === '/api/server/version'
        ? { status: 302, headers: { location: '/elsewhere' } }
        : json({ major: 2, minor: 4, patch: 0 }),
    );
    const client = createImmichJobsClient({ baseUrl: immich.url });
    expect((await failure(() => client.version(KEY))).code).toBe('unreachable');
    expect(immich.seen.map((s) => s.url)).toEqual(['/api/server/version']);
  });

  it.each([
    ['not JSON', { status: 200, body: '<html>' }],
    ['a 500', { status: 500, body: '{}' }],
    ['the wrong shape', { status: 200, body: '{"queues":1}' }],
    ['a version without numbers', { status: 200, body: '{"major":"2"}' }],
    ['queues none of which can be read', { status: 200, body: '[{"name":1},"x"]' }],
  ])('is bad-answer for %s', async (_what, answer) => {
    const immich = await serve(() => answer);
    const client = createImmichJobsClient({ baseUrl: immich.url });
    const call = _what.startsWith('a version')
      ? () => client.version(KEY)
      : () => client.queues('queues', KEY);
    expect((await failure(call)).code).toBe('bad-answer');
  });

  it('is bad-answer for a jobs answer that is an array or holds no readable queue', async () => {
    for (const body of ['[]', JSON.stringify(QUEUES_FIXTURE), '{"a":1}']) {
      const immich = await serve(() => ({ status: 200, body }));
      const client = createImmichJobsClient({ baseUrl: immich.url });
      expect((await failure(() => client.queues('jobs', KEY))).code).toBe('bad-answer');
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    }
    server = null;
  });

  it('answers no queues for an Immich with none', async () => {
    const immich = await serve(() => json([]));
    expect(await createImmichJobsClient({ baseUrl: immich.url }).queues('queues', KEY)).toEqual([]);
  });

  it('is bad-answer for an answer over the size limit, declared or streamed', async () => {
    const big = JSON.stringify(Array.from({ length: 400 }, () => QUEUES_FIXTURE[0]));
    const declared = await serve(() => ({ status: 200, body: big }));
    const client = createImmichJobsClient({ baseUrl: declared.url, maxResponseBytes: 4096 });
    expect((await failure(() => client.queues('queues', KEY))).code).toBe('bad-answer');
    await new Promise((resolve) => server?.close(resolve));
    server?.closeAllConnections();
    const chunked = await serve(() => ({
      status: 200,
      body: big,
      headers: { 'transfer-encoding': 'chunked' },
    }));
    const streamed = createImmichJobsClient({ baseUrl: chunked.url, maxResponseBytes: 4096 });
    expect((await failure(() => streamed.queues('queues', KEY))).code).toBe('bad-answer');
  });
});
