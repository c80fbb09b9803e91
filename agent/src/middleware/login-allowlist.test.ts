// The tailnet login allowlist: off by default, and when set, checked before anything else, on
// hello and pairing as much as on signed calls.
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../../shared/api.ts';
import { makeAgent, pairedDevice, signed } from '../app.fixtures.ts';

describe('security.allowedLogins', () => {
  it('lets every login through when empty', async () => {
    const agent = makeAgent();
    expect((await agent.app.request(ROUTES.hello)).status).toBe(200);
  });

  it('refuses a missing or unlisted login, and takes a listed one in any case', async () => {
    const agent = makeAgent({ config: { security: { allowedLogins: ['Owner@example.com'] } } });
    const hello = (login?: string) =>
      agent.app.request(ROUTES.hello, { headers: login ? { 'tailscale-user-login': login } : {} });
    for (const answer of [await hello(), await hello('guest@example.com')]) {
      expect(answer.status).toBe(403);
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe(
        'login-not-allowed',
      );
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
});
