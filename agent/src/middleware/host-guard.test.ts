// Host must name this agent (publicUrl's host, or loopback as the listener receives it), and the
// name it chose is the one signatures are checked against.
import type { HttpBindings } from '@hono/node-server';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../../shared/api.ts';
import { type Agent, makeAgent, pairedDevice, signed } from '../app.fixtures.ts';
import { hostGuard } from './host-guard.ts';

const PUBLIC_URL = 'https://immich.tail1234.ts.net/';

/** as sends `request` with the Host given; `localPort` is the socket it came in on, if any. */
async function as(agent: Agent, host: string | null, path: string, localPort?: number) {
  const request = new Request(`http://localhost${path}`);
  if (host !== null) request.headers.set('host', host);
  const env = localPort === undefined ? undefined : { incoming: { socket: { localPort } } };
  const res = await agent.app.request(request, undefined, env as unknown as HttpBindings);
  const body = (await res.json().catch(() => ({}))) as { error?: { code: string } };
  return { status: res.status, code: body.error?.code ?? null };
}

const refused = { status: 421, code: 'host-refused' };

describe('hostGuard on TCP loopback (the demo, tests)', () => {
  const agent = makeAgent({ config: { listen: { port: 8480 }, publicUrl: PUBLIC_URL } });

  it('answers publicUrl’s host and the loopback names on the port it listens on', async () => {
    for (const host of [
      'immich.tail1234.ts.net',
      'IMMICH.tail1234.ts.net',
      '127.0.0.1:8480',
      'localhost:8480',
      'LocalHost:8480',
      '[::1]:8480',
      'app.localhost:8480',
    ]) {
      expect({ host, ...(await as(agent, host, ROUTES.hello)) }).toEqual({
        host,
        status: 200,
        code: null,
      });
    }
  });

  it('refuses every other name, before the API or the app reads anything', async () => {
    for (const host of [
      'evil.example',
      'evil.example:8480',
      '127.0.0.1.evil.example:8480',
      'localhost.evil.example:8480',
      '127.0.0.1:8481',
      'localhost',
      '127.0.0.1:80',
      'immich.tail1234.ts.net:443',
      'immich.tail1234.ts.net.evil.example',
      'user@localhost:8480',
      '',
    ]) {
      for (const path of [ROUTES.hello, ROUTES.status, '/', '/devices']) {
        expect({ host, path, ...(await as(agent, host, path)) }).toEqual({
          host,
          path,
          ...refused,
        });
      }
    }
  });

  it('takes no name from X-Forwarded-Host', async () => {
    const request = new Request('http://localhost/api/v1/hello', {
      headers: { host: 'evil.example', 'x-forwarded-host': 'immich.tail1234.ts.net' },
    });
    expect((await agent.app.request(request)).status).toBe(421);
  });

  it('judges the port by the socket the request came in on, not the configured one', async () => {
    expect(await as(agent, '127.0.0.1:9000', ROUTES.hello, 9000)).toEqual({
      status: 200,
      code: null,
    });
    expect(await as(agent, '127.0.0.1:8480', ROUTES.hello, 9000)).toEqual(refused);
  });

  it('checks signatures against the Host it was sent to', async () => {
    const phone = await pairedDevice(agent);
    const status = async (signedFor: string, sentTo: string) => {
      const request = await signed(agent, phone, 'GET', `http://${signedFor}${ROUTES.status}`);
      request.headers.set('host', sentTo);
      const res = await agent.app.request(request);
      return { status: res.status, code: res.ok ? null : (await res.json()).error.code };
    };
    expect(await status('127.0.0.1:8480', '127.0.0.1:8480')).toEqual({ status: 200, code: null });
    expect(await status('localhost:8480', 'localhost:8480')).toEqual({ status: 200, code: null });
    expect(await status('127.0.0.1:8480', 'localhost:8480')).toEqual({
      status: 401,
      code: 'signature-invalid',
    });
    expect(await status('immich.tail1234.ts.net', '127.0.0.1:8480')).toEqual({
      status: 401,
      code: 'signature-invalid',
    });
  });
});

describe('hostGuard behind tailscale serve (a unix socket)', () => {
  const agent = makeAgent({
    config: { listen: { socket: '/run/immich-pi-agent/agent.sock' }, publicUrl: PUBLIC_URL },
  });

  it('answers the bare localhost serve sends, and publicUrl’s host', async () => {
    for (const host of ['localhost', '127.0.0.1', 'immich.tail1234.ts.net']) {
      expect({ host, ...(await as(agent, host, ROUTES.hello)) }).toEqual({
        host,
        status: 200,
        code: null,
      });
    }
  });

  it('refuses other names, and loopback with a port', async () => {
    for (const host of ['evil.example', 'localhost:8480', '127.0.0.1:80', 'evil.tail1234.ts.net']) {
      expect({ host, ...(await as(agent, host, '/')) }).toEqual({ host, ...refused });
    }
  });

  it('checks signatures against publicUrl’s host, never the localhost it was sent to', async () => {
    const phone = await pairedDevice(agent);
    const status = async (url: string) => {
      const request = await signed(agent, phone, 'GET', url);
      request.headers.set('host', 'localhost');
      const res = await agent.app.request(request);
      return { status: res.status, code: res.ok ? null : (await res.json()).error.code };
    };
    expect(await status(`${PUBLIC_URL}api/v1/status`)).toEqual({ status: 200, code: null });
    expect(await status('http://localhost/api/v1/status')).toEqual({
      status: 401,
      code: 'signature-invalid',
    });
  });
});

describe('hostGuard options', () => {
  it('refuses a publicUrl without a host when it is built', () => {
    const listen = { socket: '/run/agent.sock' };
    expect(() => hostGuard({ publicUrl: 'mailto:owner@example.org', listen })).toThrow(/no host/);
    expect(() => hostGuard({ publicUrl: PUBLIC_URL, listen })).not.toThrow();
  });
});
