import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../shared/api.ts';
import {
  computePairingProof,
  keyIdFor,
  signRequest,
  toBase64url,
  utf8Encode,
} from '../../shared/protocol/index.ts';
import { hmacSha256, sha256 } from './adapters/node-crypto.ts';
import type { StateFile } from './adapters/state-store/index.ts';
import type { SystemSample } from './adapters/system.ts';
import { createApp, type Deps } from './app.ts';
import { parseConfig } from './config.ts';
import { PairingCodes } from './domain/pairing-codes.ts';
import { ReplayGuard } from './domain/replay-guard.ts';
import { AuditLog, emptyAudit } from './services/audit.ts';
import { DeviceRegistry, emptyDevices } from './services/devices.ts';
import { createStatusSource } from './services/status.ts';

const memoryFile = <T>(value: T): StateFile<T> => ({
  value,
  async write(next) {
    (this as { value: T }).value = next;
  },
});

const sample: SystemSample = {
  temperatureC: 48.5,
  undervoltage: false,
  uptimeSeconds: 100,
  bootId: 'boot-1',
  drive: {
    devicePresent: true,
    mapperOpen: false,
    slavesPresent: false,
    mounted: false,
    readOnly: false,
  },
  disks: [],
};

function makeAgent() {
  const clock = { wallMs: 1_764_000_000_000, monoMs: 50_000 };
  const time = { wall: () => clock.wallMs, monotonic: () => clock.monoMs, synced: () => true };
  const agent = generateKeyPairSync('ed25519');
  const agentKey = new Uint8Array(
    Buffer.from(agent.publicKey.export({ format: 'jwk' }).x ?? '', 'base64url'),
  );
  const deps: Deps = {
    config: parseConfig({ listen: { port: 0 } }),
    version: 'test',
    clock: time,
    startedAtMono: clock.monoMs,
    agentKey,
    agentKeyText: toBase64url(agentKey),
    fingerprint: 'TEST-TEST-TEST-TEST',
    devices: new DeviceRegistry(memoryFile(emptyDevices())),
    audit: new AuditLog(memoryFile(emptyAudit()), time.wall, () => {}),
    pairing: new PairingCodes({
      ...time,
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
      hmac: hmacSha256,
    }),
    replay: new ReplayGuard({
      ttlMs: 240_000,
      maxEntries: 1000,
      ratePerSecond: 100,
      burst: 100,
      monotonic: time.monotonic,
    }),
    status: createStatusSource({
      reader: { sample: async () => sample },
      clock: time,
      warnings: () => [],
    }),
    log: { info: () => {}, error: () => {} },
  };
  return { app: createApp(deps), deps, clock, agentKey };
}

function newDevice() {
  const pair = generateKeyPairSync('ed25519');
  const publicKey = new Uint8Array(
    Buffer.from(pair.publicKey.export({ format: 'jwk' }).x ?? '', 'base64url'),
  );
  const signBytes = async (data: Uint8Array) => new Uint8Array(sign(null, data, pair.privateKey));
  return { publicKey, signBytes };
}

type Agent = ReturnType<typeof makeAgent>;
type Device = ReturnType<typeof newDevice>;

async function signed(agent: Agent, device: Device, method: string, path: string, body?: unknown) {
  const bytes = body === undefined ? undefined : utf8Encode(JSON.stringify(body));
  const url = new URL(path, 'http://pi.test');
  const headers = await signRequest({
    method,
    path: url.pathname,
    query: url.search,
    body: bytes,
    keyid: await keyIdFor(device.publicKey, sha256),
    created: Math.floor(agent.clock.wallMs / 1000),
    nonce: toBase64url(new Uint8Array(randomBytes(16))),
    sign: device.signBytes,
    sha256,
  });
  return new Request(url, {
    method,
    headers: bytes ? { ...headers, 'content-type': 'application/json' } : headers,
    body: bytes,
  });
}

async function pairDevice(agent: Agent, device: Device, code: string, name = 'Test phone') {
  const proof = await computePairingProof(code, device.publicKey, agent.agentKey, hmacSha256);
  const body = { name, publicKey: toBase64url(device.publicKey), proof: toBase64url(proof) };
  return agent.app.request(await signed(agent, device, 'POST', ROUTES.pair, body));
}

describe('createApp', () => {
  it('answers hello unsigned, with the agent key and clock', async () => {
    const agent = makeAgent();
    const res = await agent.app.request(ROUTES.hello);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      agentKey: toBase64url(agent.agentKey),
      time: agent.clock.wallMs,
    });
    expect(res.headers.get('content-security-policy')).toContain(
      "require-trusted-types-for 'script'",
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('pairs with a code, then serves signed status to that device only', async () => {
    const agent = makeAgent();
    const phone = newDevice();
    const { code } = agent.deps.pairing.mint();
    const paired = await pairDevice(agent, phone, code);
    expect(paired.status).toBe(201);
    const body = await paired.json();
    expect(body.deviceId).toBe(await keyIdFor(phone.publicKey, sha256));

    const status = await agent.app.request(await signed(agent, phone, 'GET', ROUTES.status));
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ drive: { state: 'locked' }, temperatureC: 48.5 });

    const stranger = await agent.app.request(
      await signed(agent, newDevice(), 'GET', ROUTES.status),
    );
    expect(stranger.status).toBe(401);
    expect(await stranger.json()).toEqual({
      error: { code: 'unknown-key', message: expect.any(String) },
    });
  });

  it('refuses a used code, and revokes every code after five failures', async () => {
    const agent = makeAgent();
    const { code } = agent.deps.pairing.mint();
    expect((await pairDevice(agent, newDevice(), code)).status).toBe(201);
    const again = await pairDevice(agent, newDevice(), code);
    expect(again.status).toBe(403);
    expect((await again.json()).error.code).toBe('pairing-failed');

    const open = agent.deps.pairing.mint().code;
    for (let i = 0; i < 5; i++) await pairDevice(agent, newDevice(), 'ZZZZ-ZZZZ');
    expect((await pairDevice(agent, newDevice(), open)).status).toBe(403);
    const audit = await agent.app.request(await signed(agent, newDevice(), 'GET', ROUTES.audit));
    expect(audit.status).toBe(401);
  });

  it('revocation takes effect on the next request', async () => {
    const agent = makeAgent();
    const phone = newDevice();
    const tablet = newDevice();
    await pairDevice(agent, phone, agent.deps.pairing.mint().code);
    const tabletId = (
      await (await pairDevice(agent, tablet, agent.deps.pairing.mint().code)).json()
    ).deviceId;
    const revoked = await agent.app.request(
      await signed(agent, phone, 'DELETE', ROUTES.device(tabletId)),
    );
    expect(await revoked.json()).toEqual({ revoked: tabletId });
    const next = await agent.app.request(await signed(agent, tablet, 'GET', ROUTES.status));
    expect((await next.json()).error.code).toBe('device-revoked');
  });

  it('renames, lists and audits devices', async () => {
    const agent = makeAgent();
    const phone = newDevice();
    const id = (await (await pairDevice(agent, phone, agent.deps.pairing.mint().code)).json())
      .deviceId;
    const renamed = await agent.app.request(
      await signed(agent, phone, 'PATCH', ROUTES.device(id), { name: 'Anna' }),
    );
    expect((await renamed.json()).device).toMatchObject({ id, name: 'Anna', current: true });
    const list = await (
      await agent.app.request(await signed(agent, phone, 'GET', ROUTES.devices))
    ).json();
    expect(list.devices).toHaveLength(1);
    const audit = await (
      await agent.app.request(await signed(agent, phone, 'GET', `${ROUTES.audit}?limit=2`))
    ).json();
    expect(audit.entries.map((e: { kind: string }) => e.kind)).toEqual([
      'device-renamed',
      'device-paired',
    ]);
  });

  it('answers bad input with stable 4xx codes', async () => {
    const agent = makeAgent();
    const phone = newDevice();
    const id = (await (await pairDevice(agent, phone, agent.deps.pairing.mint().code)).json())
      .deviceId;
    const cases: Array<[Request | string, number, string]> = [
      ['/api/v1/nope', 401, 'signature-missing'],
      [await signed(agent, phone, 'GET', '/api/v1/nope'), 404, 'not-found'],
      [
        await signed(agent, phone, 'PATCH', ROUTES.device(id), { name: '\u202eevil' }),
        400,
        'validation-failed',
      ],
      [
        await signed(agent, phone, 'PATCH', ROUTES.device(id), { name: 7 }),
        400,
        'validation-failed',
      ],
      [
        await signed(agent, phone, 'PATCH', ROUTES.device('x'.repeat(22)), { name: 'a' }),
        404,
        'device-not-found',
      ],
      [await signed(agent, phone, 'GET', `${ROUTES.audit}?limit=abc`), 400, 'validation-failed'],
      [
        new Request('http://pi.test/api/v1/pair', {
          method: 'POST',
          body: '{',
          headers: { 'content-type': 'application/json' },
        }),
        400,
        'invalid-json',
      ],
      [
        new Request('http://pi.test/api/v1/hello', { headers: { 'sec-fetch-site': 'cross-site' } }),
        403,
        'cross-site-refused',
      ],
      [
        new Request('http://pi.test/api/v1/hello', {
          headers: { 'tailscale-funnel-request': '?1' },
        }),
        403,
        'funnel-refused',
      ],
      [
        new Request('http://pi.test/api/v1/hello', { headers: { 'x-big': 'a'.repeat(9000) } }),
        431,
        'headers-too-large',
      ],
    ];
    for (const [request, status, code] of cases) {
      const res = await agent.app.request(request);
      expect({ status: res.status, code: (await res.json()).error.code }).toEqual({ status, code });
    }
  });
});
