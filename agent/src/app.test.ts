// The app through app.request: hello, pairing, signed routes, devices, audit and stable error codes.
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../shared/api.ts';
import { keyIdFor, toBase64url } from '../../shared/protocol/index.ts';
import { sha256 } from './adapters/node-crypto.ts';
import { makeAgent, newDevice, pairDevice, signed } from './app.fixtures.ts';

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
    expect(await status.json()).toMatchObject({
      drive: { state: 'locked' },
      temperatureC: 48.5,
      units: [
        { unit: 'postgresql.service', label: 'Postgres', state: 'inactive' },
        { unit: 'immich-server.service', label: 'Immich', state: 'inactive' },
        { unit: 'immich-machine-learning.service', label: 'Machine learning', state: 'inactive' },
      ],
      operation: null,
      unlock: { triesLeft: 5, retryAfterSeconds: null },
    });

    const stranger = await agent.app.request(
      await signed(agent, newDevice(), 'GET', ROUTES.status),
    );
    expect(stranger.status).toBe(401);
    expect(await stranger.json()).toEqual({
      error: { code: 'unknown-key', message: expect.any(String) },
    });
  });

  it('reads unit states at most once per few seconds, however many status requests come', async () => {
    const agent = makeAgent();
    const phone = newDevice();
    await pairDevice(agent, phone, agent.deps.pairing.mint().code);
    const statuses = Array.from(
      { length: 10 },
      async () =>
        (await agent.app.request(await signed(agent, phone, 'GET', ROUTES.status))).status,
    );
    expect(await Promise.all(statuses)).toEqual(Array(10).fill(200));
    expect(agent.pi.unitReads).toHaveLength(1);
    // One read covers every configured unit, the backup and the restore drill, in one systemctl call.
    expect(agent.pi.unitReads[0]).toEqual([
      'postgresql.service',
      'immich-server.service',
      'immich-machine-learning.service',
      'immich-backup.service',
      'immich-pi-verify-backup.service',
    ]);
    agent.clock.monoMs += 3_000;
    await agent.app.request(await signed(agent, phone, 'GET', ROUTES.status));
    expect(agent.pi.unitReads).toHaveLength(2);
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
    // With no open code a pair call is refused before its body is parsed: open one for invalid-json.
    agent.deps.pairing.mint();
    for (const [request, status, code] of cases) {
      const res = await agent.app.request(request);
      expect({ status: res.status, code: (await res.json()).error.code }).toEqual({ status, code });
    }
  });
});
