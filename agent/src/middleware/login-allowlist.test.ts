// The tailnet login allowlist: off by default, and when set, checked before anything else, on
// hello and pairing as much as on signed calls, against the login as tailscale serve encodes it.
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../../shared/api.ts';
import { makeAgent, pairedDevice, signed } from '../app.fixtures.ts';
import { loginAllowlist } from './login-allowlist.ts';

async function errorCode(answer: Response): Promise<string> {
  return ((await answer.json()) as { error: { code: string } }).error.code;
}

describe('security.allowedLogins', () => {
  it('lets every login through when empty', async () => {
    const agent = makeAgent();
    expect((await agent.app.request(ROUTES.hello)).status).toBe(200);
  });

  it('refuses a missing or unlisted login, and takes a listed one in any case', async () => {
    const agent = makeAgent({ config: { security: { allowedLogins: ['Owner@example.com'] } } });
    const hello = (login?: string) =>
      agent.app.request(ROUTES.hello, { headers: login ? { 'tailscale-user-login': login } : {} });
    for (const answer of [await hello(), await hello(''), await hello('guest@example.com')]) {
      expect(answer.status).toBe(403);
      expect(await errorCode(answer)).toBe('login-not-allowed');
    }
    expect((await hello('owner@example.com')).status).toBe(200);
    // The PWA itself (outside /api/) still loads, so the refusal can be shown in words.
    expect((await agent.app.request('/')).status).not.toBe(403);
  });

  it('checks signed calls too', async () => {
    const open = makeAgent();
    const phone = await pairedDevice(open);
    const request = await signed(open, phone, 'GET', ROUTES.status);
    expect((await open.app.request(request)).status).toBe(200);
    const guarded = makeAgent({ config: { security: { allowedLogins: ['owner@example.com'] } } });
    const refused = await guarded.app.request(await signed(guarded, phone, 'GET', ROUTES.status));
    expect(refused.status).toBe(403);
  });

  it('decodes the RFC 2047 words tailscale serve sends for a login that is not ASCII', async () => {
    const agent = makeAgent({ config: { security: { allowedLogins: ['Jürgen@Example.de'] } } });
    const hello = (login: string) =>
      agent.app.request(ROUTES.hello, { headers: { 'tailscale-user-login': login } });
    for (const login of [
      '=?utf-8?q?j=C3=BCrgen@example.de?=', // Go's mime.QEncoding, as serve writes it
      '=?UTF-8?B?asO8cmdlbkBleGFtcGxlLmRl?=',
      '=?utf-8?q?J=C3=9CRGEN@EXAMPLE.DE?=', // any case
      '=?utf-8?q?ju=CC=88rgen@example.de?=', // u and a combining diaeresis (NFD)
      '=?utf-8?q?j=C3=BC?= =?utf-8?q?rgen@example.de?=', // split into two words
    ]) {
      expect({ login, status: (await hello(login)).status }).toEqual({ login, status: 200 });
    }
    for (const login of [
      '=?utf-8?q?j=C3=BCrgen@example.de', // not closed
      '=?utf-8?q?j=C3rgen@example.de?=', // not UTF-8
      '=?utf-8?q?j=ZZrgen@example.de?=',
      '=?iso-8859-1?q?j=FCrgen@example.de?=',
      '=?utf-8?q?j=C3=BCrgen@example.de?= =?utf-8?q?x?=',
      '=?utf-8?q?=00?=', // a NUL byte
    ]) {
      const answer = await hello(login);
      expect({ login, status: answer.status }).toEqual({ login, status: 403 });
      expect(await errorCode(answer)).toBe('login-not-allowed');
    }
  });

  it('takes a listed login in another normal form and reads ASCII logins literally', async () => {
    const agent = makeAgent({
      config: { security: { allowedLogins: ['ju\u0308rgen@example.de', 'owner@example.com'] } },
    });
    const hello = (login: string) =>
      agent.app.request(ROUTES.hello, { headers: { 'tailscale-user-login': login } });
    expect((await hello('=?utf-8?q?j=C3=BCrgen@example.de?=')).status).toBe(200);
    expect((await hello('owner@example.com')).status).toBe(200);
    // Go encodes only values that are not ASCII: this one is a login of its own, spelt so.
    expect((await hello('=?utf-8?q?owner@example.com?=')).status).toBe(403);
  });

  it('refuses an empty login in the list when it is built', () => {
    expect(() => loginAllowlist([' '])).toThrow(/must not be empty/);
  });
});
