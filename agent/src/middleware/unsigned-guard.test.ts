// hello and pair answer only the app's own origin: publicUrl's behind tailscale serve (where Host
// is always localhost), and also the one Host names on TCP loopback (the demo and tests).
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../../shared/api.ts';
import { type Agent, makeAgent, newDevice, pairBody, signed } from '../app.fixtures.ts';
import { unsignedGuard } from './unsigned-guard.ts';

const PUBLIC_URL = 'https://immich.tail1234.ts.net/';
const BEHIND_SERVE = {
  listen: { socket: '/run/immich-pi-agent/agent.sock' },
  publicUrl: PUBLIC_URL,
};
// What tailscale serve sends for a unix-socket target (ipn/ipnlocal/serve.go).
const SERVE_HEADERS = {
  host: 'localhost',
  'x-forwarded-host': 'immich.tail1234.ts.net',
  'x-forwarded-proto': 'https',
  'x-forwarded-for': '100.101.102.103',
};

async function answer(agent: Agent, headers: Record<string, string>, path = ROUTES.hello) {
  const res = await agent.app.request(new Request(`http://localhost${path}`, { headers }));
  const body = (await res.json()) as { error?: { code: string; message: string } };
  return { status: res.status, code: body.error?.code ?? null, message: body.error?.message };
}

const refused = { status: 403, code: 'cross-site-refused' };

describe('unsignedGuard behind tailscale serve (a unix socket)', () => {
  const agent = makeAgent({ config: BEHIND_SERVE });

  it("answers the phone on publicUrl's origin, and requests with no Origin", async () => {
    const phone = { origin: 'https://immich.tail1234.ts.net', 'sec-fetch-site': 'same-origin' };
    expect(await answer(agent, { ...SERVE_HEADERS, ...phone })).toMatchObject({ status: 200 });
    expect(await answer(agent, SERVE_HEADERS)).toMatchObject({ status: 200 });
  });

  it('refuses every other origin with the same words, the one Host names too', async () => {
    for (const origin of [
      'https://evil.tail1234.ts.net',
      'http://immich.tail1234.ts.net',
      'https://immich.tail1234.ts.net:8443',
      'https://immich.tail1234.ts.net.evil.example',
      'http://localhost',
      'null',
      'not a url',
    ]) {
      const got = await answer(agent, { ...SERVE_HEADERS, origin });
      expect({ origin, ...got }).toEqual({
        origin,
        ...refused,
        message: 'Requests from other sites are refused.',
      });
    }
  });

  it('keeps refusing other sites and Funnel whatever the Origin', async () => {
    const origin = 'https://immich.tail1234.ts.net';
    for (const site of ['cross-site', 'same-site']) {
      const got = await answer(agent, { ...SERVE_HEADERS, origin, 'sec-fetch-site': site });
      expect(got).toMatchObject(refused);
    }
    const funnel = { ...SERVE_HEADERS, origin, 'tailscale-funnel-request': '?1' };
    expect(await answer(agent, funnel)).toMatchObject({ status: 403, code: 'funnel-refused' });
  });

  it("pairs a phone on publicUrl's origin and refuses one on another", async () => {
    const pi = makeAgent({ config: BEHIND_SERVE });
    const pairFrom = async (origin: string) => {
      const phone = newDevice();
      const body = await pairBody(pi, phone, pi.deps.pairing.mint().code);
      const request = await signed(pi, phone, 'POST', ROUTES.pair, body);
      const headers = { ...SERVE_HEADERS, origin, 'sec-fetch-site': 'same-origin' };
      for (const [name, value] of Object.entries(headers)) request.headers.set(name, value);
      return pi.app.request(request);
    };
    const evil = await pairFrom('https://evil.tail1234.ts.net');
    expect({ status: evil.status, body: await evil.json() }).toEqual({
      status: 403,
      body: {
        error: { code: 'cross-site-refused', message: 'Requests from other sites are refused.' },
      },
    });
    expect(pi.deps.devices.list()).toEqual([]);
    expect((await pairFrom('https://immich.tail1234.ts.net')).status).toBe(201);
    expect(pi.deps.devices.list()).toHaveLength(1);
  });
});

describe('unsignedGuard on TCP loopback', () => {
  const agent = makeAgent({ config: { listen: { port: 8480 }, publicUrl: PUBLIC_URL } });

  it('answers the origin Host names, as a browser on the demo sends it, and publicUrl’s', async () => {
    const host = { host: '127.0.0.1:8480' };
    expect(await answer(agent, { ...host, origin: 'http://127.0.0.1:8480' })).toMatchObject({
      status: 200,
    });
    expect(
      await answer(agent, { ...host, origin: 'https://immich.tail1234.ts.net' }),
    ).toMatchObject({ status: 200 });
    expect(await answer(agent, { ...host, origin: 'http://localhost:8480' })).toEqual({
      ...refused,
      message: 'Requests from other sites are refused.',
    });
    // Without Host (in process, the URL's `localhost` names port 80) hostGuard refuses first.
    expect(await answer(agent, { origin: 'http://127.0.0.1:8480' })).toMatchObject({
      status: 421,
      code: 'host-refused',
    });
  });
});

describe('unsignedGuard options', () => {
  it('refuses a publicUrl no browser could be on when it is built', () => {
    const listen = { socket: '/run/agent.sock' };
    expect(() => unsignedGuard({ publicUrl: 'mailto:owner@example.org', listen })).toThrow(
      /not an http\(s\) URL/,
    );
    expect(() => unsignedGuard({ publicUrl: 'file:///srv/app', listen })).toThrow();
    expect(() => unsignedGuard({ publicUrl: PUBLIC_URL, listen })).not.toThrow();
  });
});
