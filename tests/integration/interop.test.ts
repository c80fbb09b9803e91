// Interop over real HTTP: the agent process accepts requests signed by the independent
// http-message-signatures library, and refuses each kind of bad signed request with its own code.
import { createHash, type KeyObject, sign } from 'node:crypto';
import { httpbis } from 'http-message-signatures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxPi } from '../../sandbox-pi/index.ts';
import { ROUTES } from '../../shared/api.ts';
import {
  type AgentProcess,
  freshNonce,
  mintCode,
  newDeviceKey,
  type PairedDevice,
  pairDevice,
  pairedAgent,
  runCli,
  startAgent,
  stopAllAgents,
} from '../fixtures/agent-process.ts';

interface LibraryOptions {
  body?: string;
  /** Unix seconds in the agent's clock; now unless given. */
  created?: number;
  nonce?: string;
  /** Sign with this private key instead of the device's (the keyid stays the device's). */
  privateKey?: KeyObject;
  /** Parameters in the order the library should write them. */
  params?: string[];
  label?: string;
  /** The derived components covered (content-digest joins them with a body). */
  components?: string[];
}

/** librarySigned builds a fetch() for `device`, signed by http-message-signatures alone. */
async function librarySigned(
  device: PairedDevice,
  method: string,
  path: string,
  o: LibraryOptions = {},
) {
  const url = new URL(path, device.baseUrl).href;
  const headers: Record<string, string> = {};
  if (o.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    headers['Content-Digest'] = `sha-256=:${createHash('sha256').update(o.body).digest('base64')}:`;
  }
  const privateKey = o.privateKey ?? device.key.privateKey;
  const signed = await httpbis.signMessage(
    {
      key: { id: device.id, alg: 'ed25519', sign: async (data) => sign(null, data, privateKey) },
      name: o.label,
      params: o.params ?? ['created', 'nonce', 'keyid', 'alg', 'tag'],
      fields: [
        ...(o.components ?? ['@method', '@authority', '@path', '@query']),
        ...(o.body === undefined ? [] : ['content-digest']),
      ],
      paramValues: {
        created: new Date((o.created ?? device.agentSeconds()) * 1000),
        nonce: o.nonce ?? freshNonce(),
        tag: 'immich-pi',
      },
    },
    { method, url, headers },
  );
  const sent = Object.fromEntries(
    Object.entries(signed.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]),
  );
  return { url, init: { method, headers: sent, body: o.body } satisfies RequestInit };
}

async function send(request: { url: string; init: RequestInit }) {
  const res = await fetch(request.url, request.init);
  const body = (await res.json()) as { error?: { code: string } };
  return { status: res.status, code: body.error?.code ?? 'ok', body };
}

describe('the agent process and http-message-signatures', () => {
  let pi: SandboxPi;
  let agent: AgentProcess;
  let device: PairedDevice;
  beforeAll(async () => {
    ({ pi, agent, phone: device } = await pairedAgent({ withoutCryptsetup: true }));
  });
  afterAll(async () => {
    await stopAllAgents();
    await pi?.remove();
  });

  it('accepts a GET in the library’s own label and parameter order, with its expires', async () => {
    const request = await librarySigned(device, 'GET', ROUTES.status, {
      label: 'sig',
      params: ['keyid', 'alg', 'created', 'expires', 'nonce', 'tag'],
    });
    expect(request.init.headers['Signature-Input']).toMatch(
      /^sig=\("@method" "@authority" "@path" "@query"\);keyid=/,
    );
    const answer = await send(request);
    expect(answer).toMatchObject({ status: 200, body: { drive: { state: 'locked' } } });
  });

  it('accepts a POST with a body it covers by Content-Digest, and a query', async () => {
    const minted = await send(
      await librarySigned(device, 'POST', ROUTES.pairingCodes, { body: '{"name":"Tablet"}' }),
    );
    expect(minted).toMatchObject({
      status: 201,
      body: { code: expect.stringMatching(/^\w{4}-\w{4}$/) },
    });
    const audit = await send(await librarySigned(device, 'GET', `${ROUTES.audit}?limit=3`));
    expect(audit.status).toBe(200);
    expect((audit.body as unknown as { entries: unknown[] }).entries).toHaveLength(3);
  });

  it('refuses the profile before @authority with signature-outdated, which says to reload', async () => {
    const old = await librarySigned(device, 'GET', ROUTES.status, {
      components: ['@method', '@path', '@query'],
    });
    expect(await send(old)).toMatchObject({
      status: 401,
      body: {
        error: {
          code: 'signature-outdated',
          message: 'This app is out of date. Close it and open it again to load the new version.',
        },
      },
    });
  });

  it('refuses a replay', async () => {
    const request = await librarySigned(device, 'GET', ROUTES.status);
    expect((await send(request)).status).toBe(200);
    expect(await send(request)).toMatchObject({ status: 401, code: 'nonce-replayed' });
  });

  it('refuses a tampered body', async () => {
    const request = await librarySigned(device, 'PATCH', ROUTES.device(device.id), {
      body: '{"name":"Anna"}',
    });
    request.init.body = '{"name":"Eve!"}';
    expect(await send(request)).toMatchObject({ status: 401, code: 'digest-mismatch' });
  });

  it('refuses a signature made with another key', async () => {
    const stranger = await newDeviceKey();
    const request = await librarySigned(device, 'GET', ROUTES.status, {
      privateKey: stranger.privateKey,
    });
    expect(await send(request)).toMatchObject({ status: 401, code: 'signature-invalid' });
  });

  it('refuses a stale or future created', async () => {
    const now = device.agentSeconds();
    for (const created of [now - 300, now + 300]) {
      const request = await librarySigned(device, 'GET', ROUTES.status, { created });
      expect(await send(request)).toMatchObject({ status: 401, code: 'clock-skew' });
    }
  });

  it('refuses bodies over 64 KiB (413) and headers over 8 KiB (431)', async () => {
    const huge = JSON.stringify({ name: 'x'.repeat(70 * 1024) });
    const big = await librarySigned(device, 'POST', ROUTES.pairingCodes, { body: huge });
    expect(await send(big)).toMatchObject({ status: 413, code: 'payload-too-large' });
    // Without Content-Length the limit must still hold while the body streams in.
    const chunked = await librarySigned(device, 'POST', ROUTES.pairingCodes, { body: huge });
    const stream = new Blob([huge]).stream();
    const res = await fetch(chunked.url, {
      ...chunked.init,
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect({
      status: res.status,
      code: ((await res.json()) as { error: { code: string } }).error.code,
    }).toEqual({ status: 413, code: 'payload-too-large' });

    const padded = await librarySigned(device, 'GET', ROUTES.status);
    padded.init.headers['X-Padding'] = 'p'.repeat(9 * 1024);
    expect(await send(padded)).toMatchObject({ status: 431, code: 'headers-too-large' });
  });

  it('does not burn a nonce on a request whose checks fail', async () => {
    const nonce = freshNonce();
    const stranger = await newDeviceKey();
    const forged = await librarySigned(device, 'GET', ROUTES.status, {
      nonce,
      privateKey: stranger.privateKey,
    });
    expect(await send(forged)).toMatchObject({ status: 401, code: 'signature-invalid' });
    const tampered = await librarySigned(device, 'POST', ROUTES.pairingCodes, {
      nonce,
      body: '{}',
    });
    tampered.init.body = '{ }';
    expect(await send(tampered)).toMatchObject({ status: 401, code: 'digest-mismatch' });

    const honest = await librarySigned(device, 'GET', ROUTES.status, { nonce });
    expect((await send(honest)).status).toBe(200);
    const again = await librarySigned(device, 'GET', ROUTES.status, { nonce });
    expect(await send(again)).toMatchObject({ status: 401, code: 'nonce-replayed' });
  });

  it('refuses a revoked key', async () => {
    const other = await pairDevice(agent.url, (await mintCode(pi)).code);
    expect((await send(await librarySigned(other, 'GET', ROUTES.status))).status).toBe(200);
    expect((await runCli(pi, ['devices', 'revoke', other.id])).code).toBe(0);
    const after = await librarySigned(other, 'GET', ROUTES.status);
    expect(await send(after)).toMatchObject({ status: 401, code: 'device-revoked' });
  });

  it('refuses a request signed before the agent restarted', async () => {
    // Signed in this second, which the running agent accepts; the restart then happens in a later
    // second, so even at 1 s resolution the new process started after `created`.
    const created = device.agentSeconds();
    const before = await librarySigned(device, 'GET', ROUTES.status, { created });
    const control = await librarySigned(device, 'GET', ROUTES.status, { created });
    expect((await send(control)).status).toBe(200);
    await new Promise((resolve) =>
      setTimeout(resolve, (created + 1) * 1000 - device.agentMs() + 20),
    );

    await agent.stop();
    agent = await startAgent(pi);
    await device.reconnect(agent.url);
    const replay = new URL(new URL(before.url).pathname, agent.url).href;
    expect(await send({ url: replay, init: before.init })).toMatchObject({
      status: 401,
      code: 'created-before-start',
    });
    expect((await send(await librarySigned(device, 'GET', ROUTES.status))).status).toBe(200);
  });
});
