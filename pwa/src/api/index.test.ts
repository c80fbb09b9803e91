import { beforeEach, describe, expect, it } from 'vitest';
import type { HelloResponse } from '../../../shared/pairing.ts';
import {
  computeAgentProof,
  computePairingProof,
  contentDigestFor,
  fromBase64url,
  parseSignatureHeaders,
  REQUIRED_COMPONENTS,
  requestComponents,
  signatureBase,
  toBase64url,
} from '../../../shared/protocol/index.ts';
import { createDeviceKey, type DeviceKey } from '../keys.ts';
import { hmacSha256, sha256, signerFor } from '../web-crypto.ts';
import {
  AgentKeyChangedError,
  ApiError,
  createApi,
  OfflineError,
  WrongAgentError,
} from './index.ts';

const LOCAL_NOW = 1_700_000_000_000;
const signerOf = (key: DeviceKey) => ({
  keyid: key.keyid,
  sign: signerFor(key.keyPair.privateKey),
});
const CODE = 'ABCD-EFGH';

/** A stand-in agent: checks each signature like the real one and records what it was asked. */
async function fakeAgent() {
  const agent = await createDeviceKey();
  const state = {
    /** Agent clock minus local clock: the Pi is an hour ahead (no RTC, NTP not synced). */
    clockAheadMs: 3_600_000,
    agentKey: agent.publicKey,
    agentProof: null as Uint8Array | null,
    calls: [] as { path: string; created?: number; body?: string; keyid?: string }[],
    devices: new Map<string, Uint8Array>(),
    down: false,
    /** The name it checks signatures against, when not the host it is reached at. */
    authority: null as string | null,
  };
  const agentNow = () => LOCAL_NOW + state.clockAheadMs;
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });

  async function verify(request: Request, url: URL, body: Uint8Array) {
    const headers = Object.fromEntries(request.headers);
    const parsed = parseSignatureHeaders(headers['signature-input'], headers.signature);
    if (!parsed.ok) return { code: parsed.code };
    if (!REQUIRED_COMPONENTS.every((name) => parsed.components.includes(name)))
      return { code: 'signature-malformed' };
    const keyid = String(parsed.params.get('keyid'));
    const created = Number(parsed.params.get('created'));
    state.calls.push({ path: url.pathname, created, keyid, body: new TextDecoder().decode(body) });
    if (Math.abs(created - agentNow() / 1000) > 120) return { code: 'clock-skew' };
    const key = state.devices.get(keyid);
    if (!key) return { code: 'unknown-key' };
    if (body.length > 0 && headers['content-digest'] !== (await contentDigestFor(body, sha256))) {
      return { code: 'digest-mismatch' };
    }
    // Its own name is the host it is reached at.
    const parts = {
      method: request.method,
      authority: state.authority ?? url.host,
      path: url.pathname,
      query: url.search,
      headers,
    };
    const base =
      signatureBase(parsed.components, parsed.paramsLine, requestComponents(parts)) ?? '';
    const publicKey = await crypto.subtle.importKey('raw', new Uint8Array(key), 'Ed25519', false, [
      'verify',
    ]);
    const valid = await crypto.subtle.verify(
      'Ed25519',
      publicKey,
      new Uint8Array(parsed.signature),
      new TextEncoder().encode(base),
    );
    return valid ? null : { code: 'signature-invalid' };
  }

  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    if (state.down) throw new TypeError('fetch failed');
    const request = new Request(input, init);
    const url = new URL(request.url);
    const body = new Uint8Array(await request.arrayBuffer());
    if (url.pathname === '/api/v1/hello') {
      state.calls.push({ path: url.pathname });
      const agentKey = toBase64url(state.agentKey);
      const hello: HelloResponse = {
        name: 'pi',
        version: '1',
        agentKey,
        fingerprint: 'x',
        time: agentNow(),
      };
      return json(200, hello);
    }
    if (url.pathname === '/api/v1/pair') {
      const pair = JSON.parse(new TextDecoder().decode(body));
      const devicePub = new Uint8Array(fromBase64url(pair.publicKey) as Uint8Array);
      const id = toBase64url((await sha256(devicePub)).subarray(0, 16));
      state.devices.set(id, devicePub);
      const failure = await verify(request, url, body);
      if (failure) return json(401, { error: { ...failure, message: 'no' } });
      const expected = await computePairingProof(CODE, devicePub, state.agentKey, hmacSha256);
      if (pair.proof !== toBase64url(expected))
        return json(403, { error: { code: 'pairing-failed', message: 'no' } });
      const agentProof =
        state.agentProof ?? (await computeAgentProof(CODE, state.agentKey, devicePub, hmacSha256));
      return json(201, { deviceId: id, name: pair.name, agentProof: toBase64url(agentProof) });
    }
    const failure = await verify(request, url, body);
    if (failure) return json(401, { error: { ...failure, message: 'no' } });
    if (url.pathname === '/api/v1/status') return json(200, STATUS);
    if (url.pathname.startsWith('/api/v1/devices/') && request.method === 'PATCH') {
      const { name = 'Tablet', role } = JSON.parse(new TextDecoder().decode(body));
      return json(200, {
        device: { id: 'x'.repeat(22), name, role, pairedAt: 1, lastSeenAt: null, current: true },
      });
    }
    if (url.pathname === '/api/v1/devices/pairing-codes') {
      const { role } = JSON.parse(new TextDecoder().decode(body));
      return json(201, { code: CODE, expiresAt: 1, fingerprint: 'x', role });
    }
    return json(404, { error: { code: 'not-found', message: 'no' } });
  };
  return { state, fetch, agent };
}

const STATUS = {
  time: 1,
  sampledAt: 1,
  bootId: 'b',
  uptimeSeconds: 10,
  drive: { state: 'locked' },
  temperatureC: 48.5,
  undervoltage: false,
  disks: [],
  warnings: [],
  units: [],
  operation: null,
  unlock: { triesLeft: 5, retryAfterSeconds: null },
};

describe('api', () => {
  let agent: Awaited<ReturnType<typeof fakeAgent>>;
  let device: DeviceKey;
  let api: ReturnType<typeof createApi>;

  async function pairDevice() {
    const hello = await api.hello();
    return api.pair({
      code: 'abcd efgh',
      name: ' Phone ',
      named: true,
      agent: hello,
      publicKey: device.publicKey,
      by: signerOf(device),
    });
  }

  beforeEach(async () => {
    agent = await fakeAgent();
    device = await createDeviceKey();
    api = createApi({ fetch: agent.fetch, now: () => LOCAL_NOW, origin: 'http://pi.test' });
    await pairDevice();
    api.connect({ signer: signerOf(device), agentKey: agent.state.agentKey });
    agent.state.calls = [];
  });

  it('pairs with a proof of the code, signed by the new key, and the name as the schema tidies it', async () => {
    const fresh = createApi({ fetch: agent.fetch, now: () => LOCAL_NOW, origin: 'http://pi.test' });
    device = await createDeviceKey();
    api = fresh;
    const answer = await pairDevice();
    expect(answer.deviceId).toBe(device.keyid);
    expect(answer.name).toBe('Phone');
    expect(agent.state.calls.at(-1)?.keyid).toBe(device.keyid);
  });

  it('refuses an agent that cannot prove it issued the code', async () => {
    agent.state.agentProof = new Uint8Array(32);
    await expect(pairDevice()).rejects.toBeInstanceOf(WrongAgentError);
  });

  it('signs with the agent’s clock learnt from hello, not the phone’s', async () => {
    expect(await api.status()).toMatchObject({ drive: { state: 'locked' }, temperatureC: 48.5 });
    expect(agent.state.calls.map((c) => c.path)).toEqual(['/api/v1/hello', '/api/v1/status']);
    expect(agent.state.calls[1]?.created).toBe(Math.floor((LOCAL_NOW + 3_600_000) / 1000));
    expect(api.clockOffsetMs()).toBe(3_600_000);
  });

  it('learns the clock again once after a clock error and retries once', async () => {
    await api.status();
    agent.state.clockAheadMs = -7_200_000; // NTP stepped the Pi's clock
    expect(await api.status()).toMatchObject({ temperatureC: 48.5 });
    const paths = agent.state.calls.map((c) => c.path.replace('/api/v1/', ''));
    expect(paths).toEqual(['hello', 'status', 'status', 'hello', 'status']);
  });

  it('gives up after one retry', async () => {
    // Every hello claims a time an hour off the clock the agent checks with: a retry cannot help.
    let hellos = 0;
    const lying = createApi({
      fetch: async (input, init) => {
        const response = await agent.fetch(input, init);
        if (!String(input).endsWith('/hello')) return response;
        hellos++;
        const hello = await response.json();
        return new Response(JSON.stringify({ ...hello, time: hello.time + 3_600_000 }));
      },
      now: () => LOCAL_NOW,
      origin: 'http://pi.test',
    });
    lying.connect({ signer: signerOf(device), agentKey: agent.state.agentKey });
    const error = await lying.status().catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'clock-skew', status: 401 });
    expect(hellos).toBe(2);
    expect(agent.state.calls.filter((c) => c.path === '/api/v1/status')).toHaveLength(2);
  });

  it('stops for good when the agent key changed', async () => {
    agent.state.agentKey = (await createDeviceKey()).publicKey;
    await expect(api.status()).rejects.toBeInstanceOf(AgentKeyChangedError);
    const asked = agent.state.calls.length;
    await expect(api.status()).rejects.toBeInstanceOf(AgentKeyChangedError);
    await expect(api.hello()).rejects.toBeInstanceOf(AgentKeyChangedError);
    expect(agent.state.calls.length).toBe(asked);
  });

  it('checks the agent key when the agent no longer knows this device', async () => {
    await api.status();
    agent.state.devices.clear();
    await expect(api.status()).rejects.toMatchObject({ code: 'unknown-key' });
    agent.state.agentKey = (await createDeviceKey()).publicKey; // a different agent answers
    await expect(api.status()).rejects.toBeInstanceOf(AgentKeyChangedError);
  });

  it('reports an unreachable Pi or a proxy without its agent as offline', async () => {
    agent.state.down = true;
    await expect(api.status()).rejects.toBeInstanceOf(OfflineError);
    const proxy = createApi({ fetch: async () => new Response('Bad Gateway', { status: 502 }) });
    await expect(proxy.hello()).rejects.toBeInstanceOf(OfflineError);
  });

  it('carries the agent’s error code, and refuses answers that break the contract', async () => {
    await expect((await api.deviceCalls()).devices()).rejects.toMatchObject({
      name: 'ApiError',
      code: 'not-found',
      status: 404,
    });
    const weird = createApi({ fetch: async () => new Response('{"name":1}') });
    await expect(weird.hello()).rejects.toMatchObject({ code: 'unexpected-answer' });
    const body = { error: { code: 'rate-limited', message: 'slow down' } };
    const limited = createApi({
      fetch: async () => new Response(JSON.stringify(body), { status: 429 }),
    });
    await expect(limited.hello()).rejects.toMatchObject({
      code: 'rate-limited',
      status: 429,
      message: 'slow down',
    });
  });

  it('signs for the agent it talks to: another agent refuses the same signature', async () => {
    expect((await api.status()).temperatureC).toBe(48.5);
    agent.state.authority = 'other-pi.test';
    await expect(api.status()).rejects.toMatchObject({ code: 'signature-invalid' });
  });

  it('signs the exact body bytes it sends, with their digest', async () => {
    const answer = await (await api.deviceCalls()).renameDevice(device.keyid, '  Kitchen tablet ');
    expect(answer.device.name).toBe('Kitchen tablet');
    expect(agent.state.calls.at(-1)?.body).toBe('{"name":"Kitchen tablet"}');
  });

  it('checks a request against the shared schema before sending it', async () => {
    await expect(
      (await api.deviceCalls()).renameDevice(device.keyid, '\u202Eevil'),
    ).rejects.toMatchObject({
      code: 'validation-failed',
    });
    expect(agent.state.calls.some((c) => c.path.startsWith('/api/v1/devices'))).toBe(false);
  });

  it('changes a role with the role alone in the body', async () => {
    const answer = await (await api.deviceCalls()).changeRole(device.keyid, 'viewer');
    expect(answer.device.role).toBe('viewer');
    expect(agent.state.calls.at(-1)?.body).toBe('{"role":"viewer"}');
  });

  it('makes a pairing code for the role chosen', async () => {
    const answer = await (await api.deviceCalls()).createPairingCode({ role: 'viewer' });
    expect(answer.role).toBe('viewer');
    expect(agent.state.calls.at(-1)?.body).toBe('{"role":"viewer"}');
  });
});
