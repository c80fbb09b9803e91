// Requests name the agent they are for: two real agents on loopback with the same device key paired
// refuse each other's signed requests, and neither answers a Host that is not its own (rebinding).
import { type RequestOptions, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hmacSha256 } from '../../agent/src/adapters/node-crypto.ts';
import type { SandboxPi } from '../../sandbox-pi/index.ts';
import { ROUTES } from '../../shared/api.ts';
import { computePairingProof, fromBase64url, toBase64url } from '../../shared/protocol/index.ts';
import {
  type AgentProcess,
  hello,
  makeSandbox,
  mintCode,
  newDeviceKey,
  type PairedDevice,
  pairedAgent,
  Signer,
  startAgent,
  stopAllAgents,
} from '../fixtures/agent-process.ts';

const sandboxes: SandboxPi[] = [];
afterAll(async () => {
  await stopAllAgents();
  await Promise.all(sandboxes.map((s) => s.remove()));
});

/** rawGet sends one GET with exactly the Host given (fetch would not let us pick it). */
function rawGet(
  url: string,
  path: string,
  host: string,
): Promise<{ status: number; code: string | null }> {
  const { hostname, port } = new URL(url);
  const options: RequestOptions = { host: hostname, port, path, headers: { host } };
  return new Promise((resolve, reject) => {
    const req = request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let code: string | null = null;
        try {
          code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? null;
        } catch {
          code = null; // not JSON: the app's HTML, for instance
        }
        resolve({ status: res.statusCode ?? 0, code });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function answer(res: Response) {
  const body = (await res.json()) as { error?: { code: string } };
  return { status: res.status, code: body.error?.code ?? 'ok' };
}

describe('two agents with the same device paired', () => {
  let agentA: AgentProcess;
  let agentB: AgentProcess;
  let onA: PairedDevice;
  let onB: PairedDevice;
  let piB: SandboxPi;
  beforeAll(async () => {
    const phoneKey = await newDeviceKey();
    const options = { withoutCryptsetup: true, phoneName: 'Phone', phoneKey };
    const [a, b] = await Promise.all([pairedAgent(options), pairedAgent(options)]);
    sandboxes.push(a.pi, b.pi);
    ({ agent: agentA, phone: onA } = a);
    ({ pi: piB, agent: agentB, phone: onB } = b);
  });

  it('refuses at B a request signed for A, which A accepts', async () => {
    const signed = await onA.sign('GET', ROUTES.status);
    const init = { headers: signed.headers };
    expect(await answer(await fetch(new URL(ROUTES.status, agentB.url), init))).toEqual({
      status: 401,
      code: 'signature-invalid',
    });
    // The same request, not yet seen by A (B refused it before its nonce was recorded).
    expect(await answer(await fetch(new URL(ROUTES.status, agentA.url), init))).toEqual({
      status: 200,
      code: 'ok',
    });
    // And the device signs for B just as well.
    expect((await onB.signedFetch('GET', ROUTES.status)).status).toBe(200);
  });

  it('refuses at B a pairing signed for A', async () => {
    const key = await newDeviceKey();
    const agent = await hello(agentB.url);
    const agentKey = fromBase64url(agent.agentKey) as Uint8Array;
    const pairBody = async () => {
      const code = (await mintCode(piB)).code;
      const proof = await computePairingProof(code, key.publicKey, agentKey, hmacSha256);
      return { name: 'Tablet', publicKey: toBase64url(key.publicKey), proof: toBase64url(proof) };
    };
    const signer = new Signer(key, agentB.url, agent.offsetMs);
    signer.authority = new URL(agentA.url).host;
    expect(await answer(await signer.signedFetch('POST', ROUTES.pair, await pairBody()))).toEqual({
      status: 401,
      code: 'signature-invalid',
    });
    // Signed for B, with a code of its own (a failed call may have cost the first one).
    signer.authority = null;
    const paired = await signer.signedFetch('POST', ROUTES.pair, await pairBody());
    expect(paired.status).toBe(201);
  });
});

describe('the Host check', () => {
  let agent: AgentProcess;
  beforeAll(async () => {
    const pi = await makeSandbox({ withoutCryptsetup: true });
    sandboxes.push(pi);
    agent = await startAgent(pi);
  });

  it('refuses a Host that is not the agent’s own, on hello and on the app', async () => {
    for (const path of [ROUTES.hello, '/', '/devices']) {
      expect(await rawGet(agent.url, path, 'evil.example')).toEqual({
        status: 421,
        code: 'host-refused',
      });
    }
  });

  it('refuses a loopback name with a port it does not listen on', async () => {
    expect(await rawGet(agent.url, ROUTES.hello, '127.0.0.1:1')).toEqual({
      status: 421,
      code: 'host-refused',
    });
  });

  it('answers the loopback names on its own port', async () => {
    const { port } = new URL(agent.url);
    for (const name of ['127.0.0.1', 'localhost', 'LocalHost', 'app.localhost', '[::1]']) {
      const hello = await rawGet(agent.url, ROUTES.hello, `${name}:${port}`);
      expect({ name, ...hello }).toEqual({ name, status: 200, code: null });
    }
  });
});
