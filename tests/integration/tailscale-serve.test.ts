// The real agent behind tailscale serve: on a unix socket, called with exactly the headers serve
// sends to a unix-socket target (Host: localhost, X-Forwarded-*, the identity headers), a phone
// pairs with a CLI code as the app does and reads signed status; a foreign Origin is refused, and
// the login allowlist reads a login serve sent RFC 2047-encoded.
import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hmacSha256 } from '../../agent/src/adapters/node-crypto.ts';
import type { Config } from '../../agent/src/config.ts';
import type { SandboxPi } from '../../sandbox-pi/index.ts';
import { ROUTES } from '../../shared/api.ts';
import type { HelloResponse } from '../../shared/pairing.ts';
import {
  computeAgentProof,
  computePairingProof,
  fromBase64url,
  toBase64url,
} from '../../shared/protocol/index.ts';
import type { StatusResponse } from '../../shared/status.ts';
import {
  makeSandbox,
  mintCode,
  newDeviceKey,
  Signer,
  startAgent,
  stopAllAgents,
} from '../fixtures/agent-process.ts';

const sandboxes: SandboxPi[] = [];
afterAll(async () => {
  await stopAllAgents();
  await Promise.all(sandboxes.map((s) => s.remove()));
});

const JUERGEN = '=?utf-8?q?j=C3=BCrgen@example.de?='; // Go's mime.QEncoding of jürgen@example.de

/** fromServe is what tailscale serve sends for a phone on the tailnet (ipn/ipnlocal/serve.go). */
function fromServe(login: string, origin = 'https://immich.tail1234.ts.net') {
  return {
    host: 'localhost',
    'x-forwarded-host': 'immich.tail1234.ts.net',
    'x-forwarded-proto': 'https',
    'x-forwarded-for': '100.101.102.103',
    'tailscale-user-login': login,
    'tailscale-user-name': '=?utf-8?q?J=C3=BCrgen_M=C3=BCller?=',
    'tailscale-user-profile-pic': 'https://example.com/juergen.png',
    'tailscale-headers-info': 'https://tailscale.com/s/serve-headers',
    origin,
    'sec-fetch-site': 'same-origin',
  };
}

/** servedAgent starts the built agent on a unix socket with a tailnet publicUrl. */
async function servedAgent(security?: Partial<Config['security']>) {
  const pi = await makeSandbox({ withoutCryptsetup: true, security });
  sandboxes.push(pi);
  const raw = JSON.parse(await readFile(pi.configPath, 'utf8'));
  raw.publicUrl = 'https://immich.tail1234.ts.net/';
  await writeFile(pi.configPath, `${JSON.stringify(raw, null, 2)}\n`);
  const socket = join(pi.dir, 'run', 'agent.sock');
  await startAgent(pi, { args: ['--socket', socket] });
  return { pi, socket };
}

type Answer = { status: number; body: Record<string, unknown> };

/** overSocket sends one request to the agent's socket, as tailscaled's reverse proxy does. */
function overSocket(
  socket: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Uint8Array,
): Promise<Answer> {
  const length = body ? { 'content-length': String(body.length) } : {};
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method, path, headers: { ...headers, ...length } });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
        } catch {
          reject(new Error(`${method} ${path} answered ${res.statusCode}, not JSON: ${text}`));
        }
      });
    });
    req.on('error', reject).end(body);
  });
}

/** helloThroughServe says hello, as the app does first: the agent's key and its clock. */
async function helloThroughServe(socket: string, headers: Record<string, string>) {
  const before = Date.now();
  const answer = await overSocket(socket, 'GET', ROUTES.hello, headers);
  expect(answer.status).toBe(200);
  const hello = answer.body as unknown as HelloResponse;
  const agentKey = fromBase64url(hello.agentKey) as Uint8Array;
  return { agentKey, offsetMs: hello.time - (before + Date.now()) / 2 };
}

/** pairThroughServe proves the code for a new key and POSTs /pair signed by it, as the app does. */
async function pairThroughServe(
  socket: string,
  code: string,
  agent: { agentKey: Uint8Array; offsetMs: number },
  headers: Record<string, string>,
) {
  const key = await newDeviceKey();
  // The app is on publicUrl's page, so it signs for that name, not the localhost serve sends.
  const signer = new Signer(key, 'https://immich.tail1234.ts.net/', agent.offsetMs);
  const proof = await computePairingProof(code, key.publicKey, agent.agentKey, hmacSha256);
  const body = { name: 'Phone', publicKey: toBase64url(key.publicKey), proof: toBase64url(proof) };
  const signed = await signer.sign('POST', ROUTES.pair, body);
  const all = { ...headers, ...signed.headers };
  return { answer: await overSocket(socket, 'POST', ROUTES.pair, all, signed.body), key, signer };
}

async function signedStatus(socket: string, signer: Signer, headers: Record<string, string>) {
  const signed = await signer.sign('GET', ROUTES.status);
  return overSocket(socket, 'GET', ROUTES.status, { ...headers, ...signed.headers });
}

describe('the agent behind tailscale serve', () => {
  it('pairs a phone on its publicUrl with a CLI code, then answers signed status', async () => {
    const { pi, socket } = await servedAgent();
    const code = (await mintCode(pi)).code;
    const agent = await helloThroughServe(socket, fromServe(JUERGEN));
    const { answer, key, signer } = await pairThroughServe(socket, code, agent, fromServe(JUERGEN));
    expect(answer.status).toBe(201);
    expect(answer.body.deviceId).toBe(key.id);
    const expected = await computeAgentProof(code, agent.agentKey, key.publicKey, hmacSha256);
    expect(answer.body.agentProof).toBe(toBase64url(expected));

    const status = await signedStatus(socket, signer, fromServe(JUERGEN));
    expect(status.status).toBe(200);
    expect((status.body as unknown as StatusResponse).drive.state).toBe('locked');
  });

  it('refuses the same pairing from another origin on the tailnet', async () => {
    const { pi, socket } = await servedAgent();
    const code = (await mintCode(pi)).code;
    const agent = await helloThroughServe(socket, fromServe(JUERGEN));
    const evil = fromServe(JUERGEN, 'https://evil.tail1234.ts.net');
    const { answer } = await pairThroughServe(socket, code, agent, evil);
    expect(answer).toEqual({
      status: 403,
      body: {
        error: { code: 'cross-site-refused', message: 'Requests from other sites are refused.' },
      },
    });
    // The code was not spent: the phone on the right origin pairs with it.
    const right = await pairThroughServe(socket, code, agent, fromServe(JUERGEN));
    expect(right.answer.status).toBe(201);
  });

  it('lets a listed login in, sent Q-encoded, and refuses another', async () => {
    const { pi, socket } = await servedAgent({ allowedLogins: ['jürgen@example.de'] });
    const agent = await helloThroughServe(socket, fromServe(JUERGEN));
    const code = (await mintCode(pi)).code;
    const { answer, signer } = await pairThroughServe(socket, code, agent, fromServe(JUERGEN));
    expect(answer.status).toBe(201);
    expect((await signedStatus(socket, signer, fromServe(JUERGEN))).status).toBe(200);

    const other = fromServe('owner@example.com');
    const notAllowed = { status: 403, body: { error: { code: 'login-not-allowed' } } };
    expect(await overSocket(socket, 'GET', ROUTES.hello, other)).toMatchObject(notAllowed);
    const refused = await pairThroughServe(socket, (await mintCode(pi)).code, agent, other);
    expect(refused.answer).toMatchObject(notAllowed);
    expect(await signedStatus(socket, signer, other)).toMatchObject(notAllowed);
  });
});
