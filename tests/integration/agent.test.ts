// The real agent process on a sandbox Pi: pairing with a CLI code, signed status, revocation, the
// admin socket, the PWA it serves, a corrupt state file, a unix socket listener, and exact cases of
// bad input the fuzz test found.
import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { Agent, type RequestOptions, request, STATUS_CODES } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxPi } from '../../sandbox-pi/index.ts';
import { ROUTES } from '../../shared/api.ts';
import type { AuditEntry } from '../../shared/audit.ts';
import { toBase64url } from '../../shared/protocol/index.ts';
import type { StatusResponse } from '../../shared/status.ts';
import {
  type AgentProcess,
  hello,
  makeSandbox,
  mintCode,
  newDeviceKey,
  pairDevice,
  pairRequest,
  runCli,
  Signer,
  startAgent,
  stopAllAgents,
} from '../fixtures/agent-process.ts';
import { eventually } from '../fixtures/eventually.ts';

const sandboxes: SandboxPi[] = [];
afterAll(async () => {
  await stopAllAgents();
  await Promise.all(sandboxes.map((s) => s.remove()));
});

/** rawRequest sends one node:http request (unix sockets, odd Host headers) and reads the answer. */
function rawRequest(
  options: RequestOptions,
  body?: Buffer,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** untilClosed writes `text` on a fresh TCP connection and answers all it reads until the agent closes it. */
function untilClosed(url: string, text: string): Promise<string> {
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

async function errorCode(res: Response): Promise<{ status: number; code: string }> {
  return {
    status: res.status,
    code: ((await res.json()) as { error: { code: string } }).error.code,
  };
}

describe('the agent on a sandbox Pi', () => {
  let pi: SandboxPi;
  let agent: AgentProcess;
  beforeAll(async () => {
    pi = await makeSandbox();
    sandboxes.push(pi);
    agent = await startAgent(pi);
  });

  it('saves the name a person typed over the code’s, and the code’s over the app’s guess', async () => {
    const typed = await mintCode(pi, 'Kitchen tablet');
    const key = await newDeviceKey();
    const { response } = await pairRequest(agent.url, key, typed.code, 'Anna’s phone', {
      named: true,
    });
    expect(response.status).toBe(201);
    expect(((await response.json()) as { name: string }).name).toBe('Anna’s phone');
    const guessed = await mintCode(pi, 'Kitchen tablet');
    const { response: again } = await pairRequest(
      agent.url,
      await newDeviceKey(),
      guessed.code,
      'Android phone',
      { named: false },
    );
    expect(((await again.json()) as { name: string }).name).toBe('Kitchen tablet');
  });

  it('pairs through a CLI code, then shows signed status that follows the sandbox', async () => {
    const minted = await mintCode(pi, 'Kitchen tablet');
    expect(minted.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    const device = await pairDevice(agent.url, minted.code, 'App name');
    expect(device.name).toBe('Kitchen tablet'); // the CLI's name wins over the app's guess

    const res = await device.signedFetch('GET', ROUTES.status);
    expect(res.status).toBe(200);
    const status = (await res.json()) as StatusResponse;
    expect(status).toMatchObject({ drive: { state: 'locked' }, temperatureC: 48.5, warnings: [] });

    await pi.setTemperature(63.4);
    const temperature = async () =>
      ((await (await device.signedFetch('GET', ROUTES.status)).json()) as StatusResponse)
        .temperatureC;
    const seen = await eventually('the new temperature in status', temperature, {
      until: (t) => t === 63.4,
      timeoutMs: 2_000,
      everyMs: 100,
    }).catch(temperature);
    expect(seen).toBe(63.4);
  });

  it('lists the paired device with its name through the CLI', async () => {
    const device = await pairDevice(agent.url, (await mintCode(pi)).code, 'Listed phone');
    const run = await runCli(pi, ['devices', '--json']);
    expect(run.code).toBe(0);
    const listed = JSON.parse(run.stdout) as Array<{ id: string; name: string }>;
    expect(listed).toContainEqual(expect.objectContaining({ id: device.id, name: 'Listed phone' }));
    const table = await runCli(pi, ['devices']);
    expect(table.stdout).toContain(device.id);
  });

  it('revokes from the CLI a device whose id begins with "-" (base64url, one key in 64)', async () => {
    let key = await newDeviceKey();
    while (!key.id.startsWith('-')) key = await newDeviceKey();
    const dashed = await pairDevice(agent.url, (await mintCode(pi)).code, undefined, key);
    const run = await runCli(pi, ['devices', 'revoke', dashed.id, '--json']);
    expect(run).toMatchObject({ code: 0, stdout: `${JSON.stringify({ revoked: dashed.id })}\n` });
    expect(await errorCode(await dashed.signedFetch('GET', ROUTES.status))).toMatchObject({
      code: 'device-revoked',
    });
  });

  it('refuses a revoked device from its very next request, whether the CLI or the API revoked it', async () => {
    const byCli = await pairDevice(agent.url, (await mintCode(pi)).code);
    expect((await byCli.signedFetch('GET', ROUTES.status)).status).toBe(200);
    const run = await runCli(pi, ['devices', 'revoke', byCli.id]);
    expect(run).toMatchObject({ code: 0, stdout: `Revoked ${byCli.id}.\n` });
    expect(await errorCode(await byCli.signedFetch('GET', ROUTES.status))).toEqual({
      status: 401,
      code: 'device-revoked',
    });

    const phone = await pairDevice(agent.url, (await mintCode(pi)).code);
    const tablet = await pairDevice(agent.url, (await mintCode(pi)).code);
    expect((await tablet.signedFetch('GET', ROUTES.status)).status).toBe(200);
    const revoked = await phone.signedFetch('DELETE', ROUTES.device(tablet.id));
    expect(await revoked.json()).toEqual({ revoked: tablet.id });
    expect(await errorCode(await tablet.signedFetch('GET', ROUTES.devices))).toEqual({
      status: 401,
      code: 'device-revoked',
    });
    expect((await phone.signedFetch('GET', ROUTES.status)).status).toBe(200);
  });

  it('accepts a code once', async () => {
    const { code } = await mintCode(pi);
    await pairDevice(agent.url, code);
    const again = await pairRequest(agent.url, await newDeviceKey(), code);
    expect(await errorCode(again.response)).toEqual({ status: 403, code: 'pairing-failed' });
  });

  it('revokes every open code after five failed pair calls, not after four', async () => {
    const wrongProof = async () => {
      const { response } = await pairRequest(agent.url, await newDeviceKey(), 'ZZZZ-ZZZZ');
      expect(await errorCode(response)).toEqual({ status: 403, code: 'pairing-failed' });
    };
    const survives = await mintCode(pi);
    for (let i = 0; i < 4; i++) await wrongProof();
    const device = await pairDevice(agent.url, survives.code);

    const first = await mintCode(pi);
    const second = await mintCode(pi);
    for (let i = 0; i < 5; i++) await wrongProof();
    for (const { code } of [first, second]) {
      const late = await pairRequest(agent.url, await newDeviceKey(), code);
      expect(late.response.status).toBe(403);
    }
    const audit = await device.signedFetch('GET', `${ROUTES.audit}?limit=20`);
    const kinds = ((await audit.json()) as { entries: AuditEntry[] }).entries.map((e) => e.kind);
    expect(kinds).toContain('pairing-locked');
  });

  it('keeps the admin socket to root and the agent group (0660)', async () => {
    expect((await stat(pi.config.adminSocket)).mode & 0o777).toBe(0o660);
  });

  it('serves the PWA: the shell with the CSP, immutable assets, an uncached service worker', async () => {
    const shell = await fetch(agent.url);
    expect(shell.status).toBe(200);
    expect(shell.headers.get('content-type')).toContain('text/html');
    expect(shell.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(shell.headers.get('cache-control')).toBe('no-cache');
    const html = await shell.text();
    const asset = /(?:src|href)="(\/assets\/[^"]+)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const assetRes = await fetch(new URL(asset ?? '', agent.url));
    expect(assetRes.status).toBe(200);
    expect(assetRes.headers.get('cache-control')).toContain('immutable');
    const sw = await fetch(new URL('/sw.js', agent.url));
    expect(sw.status).toBe(200);
    expect(sw.headers.get('cache-control')).toBe('no-cache');
    const deepLink = await fetch(new URL('/devices', agent.url));
    expect(await deepLink.text()).toBe(html);
  });
});

// Each of these was found by tests/reliability/fuzz.test.ts; here each is one exact request.
describe('bad input the fuzz test found', () => {
  let pi: SandboxPi;
  let agent: AgentProcess;
  beforeAll(async () => {
    pi = await makeSandbox({ withoutCryptsetup: true });
    sandboxes.push(pi);
    agent = await startAgent(pi);
  });
  const nonCanonical = `${'A'.repeat(42)}B`; // 43 base64url characters whose leftover bits are set

  it('refuses a pair call whose publicKey is not canonical base64url with a 400, not a 500', async () => {
    await mintCode(pi); // with no open code the body is never read
    const body = JSON.stringify({ name: 'x', publicKey: nonCanonical, proof: 'A'.repeat(43) });
    const res = await fetch(new URL(ROUTES.pair, agent.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(await errorCode(res)).toEqual({ status: 400, code: 'validation-failed' });
    expect(agent.stderr()).not.toContain('unexpected error');
  });

  it('refuses a signed pair call whose proof is not canonical base64url with a 400', async () => {
    await mintCode(pi); // with no open code the proof is never looked at
    const key = await newDeviceKey();
    const signer = new Signer(key, agent.url, (await hello(agent.url)).offsetMs);
    const body = { name: 'x', publicKey: toBase64url(key.publicKey), proof: nonCanonical };
    const res = await signer.signedFetch('POST', ROUTES.pair, body);
    expect(await errorCode(res)).toEqual({ status: 400, code: 'validation-failed' });
    expect(agent.stderr()).not.toContain('unexpected error');
  });

  it('answers a malformed Host header with a JSON 400', async () => {
    const { port } = new URL(agent.url);
    const res = await rawRequest({
      host: '127.0.0.1',
      port,
      path: ROUTES.hello,
      headers: { host: 'a b' },
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body || 'null')).toMatchObject({ error: { code: 'bad-request' } });
  });

  it('refuses a body on a GET or outside /api/ without reading it: answered and closed before it is sent', async () => {
    // Only the headers of a 10 MB body go out: a close while all of it is still unsent shows
    // that the agent did not wait for it (Node would otherwise read and drop it all).
    const cases = [
      ['POST / HTTP/1.1', 405, 'method-not-allowed'],
      ['GET /index.html HTTP/1.1', 413, 'payload-too-large'],
      [`GET ${ROUTES.hello} HTTP/1.1`, 413, 'payload-too-large'],
    ] as const;
    for (const [line, status, code] of cases) {
      const answer = await untilClosed(
        agent.url,
        `${line}\r\nHost: ${new URL(agent.url).host}\r\nContent-Length: 10000000\r\n\r\n`,
      );
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      expect(head.split('\r\n')[0]).toBe(`HTTP/1.1 ${status} ${STATUS_CODES[status]}`);
      expect(head).toMatch(/^connection: close$/im);
      expect(JSON.parse(body)).toMatchObject({ error: { code } });
    }
    expect(agent.stderr()).not.toContain('unexpected error');
  });

  it('still answers on a kept-alive connection after refusing a large body', async () => {
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    const { port } = new URL(agent.url);
    const big = Buffer.alloc(300 * 1024, 0x20);
    const headers = { 'content-type': 'application/json', 'content-length': String(big.length) };
    const refused = await rawRequest(
      { host: '127.0.0.1', port, agent: keepAlive, method: 'POST', path: ROUTES.status, headers },
      big,
    );
    expect(refused.status).toBe(413);
    // Either the 413 says `Connection: close`, or the connection it kept open still works.
    const next = await rawRequest({
      host: '127.0.0.1',
      port,
      agent: keepAlive,
      path: ROUTES.hello,
    }).catch((error: Error) => ({ status: error.message }));
    keepAlive.destroy();
    expect(next.status).toBe(200);
  });
});

describe('a corrupt devices.json', () => {
  it('falls back to devices.json.prev, keeps the bad copy and says so everywhere', async () => {
    const pi = await makeSandbox({ withoutCryptsetup: true });
    sandboxes.push(pi);
    let agent = await startAgent(pi);
    const kept = await pairDevice(agent.url, (await mintCode(pi)).code, 'Kept');
    const lost = await pairDevice(agent.url, (await mintCode(pi)).code, 'Lost');
    await agent.stop();
    const devicesFile = join(pi.config.stateDir, 'devices.json');
    const garbage = `{"version":1,"data":{"devices":[{"id":${toBase64url(randomBytes(40))}`;
    await writeFile(devicesFile, garbage);

    agent = await startAgent(pi);
    await kept.reconnect(agent.url);
    await lost.reconnect(agent.url);
    const res = await kept.signedFetch('GET', ROUTES.status);
    expect(res.status).toBe(200);
    const status = (await res.json()) as StatusResponse;
    expect(status.warnings).toEqual([
      expect.objectContaining({
        code: 'state-recovered',
        message: expect.stringContaining('devices.json'),
      }),
    ]);
    expect(await errorCode(await lost.signedFetch('GET', ROUTES.status))).toEqual({
      status: 401,
      code: 'unknown-key',
    });
    expect(agent.stderr()).toMatch(/devices\.json was corrupt: restored its previous copy/);

    const audit = await kept.signedFetch('GET', `${ROUTES.audit}?limit=50`);
    const entries = ((await audit.json()) as { entries: AuditEntry[] }).entries;
    expect(entries.map((e) => e.kind)).toContain('state-recovered');

    const names = await readdir(pi.config.stateDir);
    const quarantined = names.filter((n) => n.startsWith('devices.json.corrupt-'));
    expect(quarantined).toHaveLength(1);
    expect(await readFile(join(pi.config.stateDir, quarantined[0] ?? ''), 'utf8')).toBe(garbage);
  });
});

describe('listening on a unix socket', () => {
  it('answers hello over the socket, which is 0660', async () => {
    const pi = await makeSandbox({ withoutCryptsetup: true });
    sandboxes.push(pi);
    const socket = join(pi.dir, 'run', 'agent.sock');
    const agent = await startAgent(pi, { args: ['--socket', socket] });
    expect(agent.url).toBe(`unix:${socket}`);
    expect((await stat(socket)).mode & 0o777).toBe(0o660);
    const answer = await rawRequest({ socketPath: socket, path: ROUTES.hello });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({
      name: 'sandbox-pi',
      agentKey: expect.any(String),
    });
  });
});
