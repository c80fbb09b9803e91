// Roles through the whole app (ARCHITECTURE §14): the route table covers every signed route, a
// viewer is refused every admin route, role changes and the last-admin rule over HTTP.
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../shared/api.ts';
import { keyIdFor } from '../../shared/protocol/index.ts';
import { ROUTE_ACCESS } from '../../shared/roles.ts';
import { sha256 } from './adapters/node-crypto.ts';
import {
  type Agent,
  type Device,
  makeAgent,
  newDevice,
  pairBody,
  pairDevice,
  signed,
} from './app.fixtures.ts';

/** signedRoutes lists "METHOD /path" of every route createApp registers after requireSignature. */
function signedRoutes(agent: Agent) {
  const routes = agent.app.routes;
  const signatureAt = routes.findIndex((r) => r.handler.name === 'requireSignature');
  const after = routes.slice(signatureAt + 1);
  return {
    firstAfterSignature: after[0]?.handler.name,
    keys: after
      .filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/v1/'))
      .map((r) => `${r.method} ${r.path.slice('/api/v1'.length)}`),
  };
}

/** pairAs pairs a new device with a code for `role`, named `name`, and answers it with its id. */
async function pairAs(agent: Agent, role: 'admin' | 'viewer', name: string) {
  const device = newDevice();
  const res = await pairDevice(agent, device, agent.deps.pairing.mint(undefined, role).code, name);
  expect(res.status).toBe(201);
  return { device, id: await keyIdFor(device.publicKey, sha256), answer: await res.json() };
}

/** call sends a signed request and answers its status and error code (if any). */
async function call(agent: Agent, device: Device, method: string, path: string, body?: unknown) {
  const res = await agent.app.request(await signed(agent, device, method, path, body));
  const json = await res.json();
  return { status: res.status, code: json.error?.code as string | undefined, json };
}

describe('roles', () => {
  it('has a ROUTE_ACCESS line for every signed route, and a route for every line', () => {
    const { firstAfterSignature, keys } = signedRoutes(makeAgent());
    expect(firstAfterSignature).toBe('requireRole');
    expect(keys.length).toBeGreaterThan(15);
    const table = Object.keys(ROUTE_ACCESS);
    expect(keys.filter((key) => !table.includes(key))).toEqual([]);
    expect(table.filter((key) => !keys.includes(key))).toEqual([]);
  });

  it('refuses a viewer every admin route and another device’s self routes, and serves the rest', async () => {
    const agent = makeAgent();
    const admin = await pairAs(agent, 'admin', 'Anna’s phone');
    const viewer = await pairAs(agent, 'viewer', 'Kid’s tablet');
    expect(viewer.answer.role).toBe('viewer');
    for (const [key, access] of Object.entries(ROUTE_ACCESS)) {
      const [method = '', pattern = ''] = key.split(' ');
      const path = `/api/v1${pattern.replace(':id', admin.id)}`;
      const answer = await call(
        agent,
        viewer.device,
        method,
        path,
        method === 'GET' ? undefined : {},
      );
      // A viewer route answers as it would an admin: 2xx or its own 4xx, never a refusal.
      const refused = [401, 403].includes(answer.status) || answer.status >= 500;
      if (access === 'viewer') expect([key, refused]).toEqual([key, false]);
      else expect([key, answer.status, answer.code]).toEqual([key, 403, 'role-forbidden']);
    }
    // Its own device: a name, never a role.
    const own = ROUTES.device(viewer.id);
    expect((await call(agent, viewer.device, 'PATCH', own, { name: 'Tablet' })).status).toBe(200);
    expect(await call(agent, viewer.device, 'PATCH', own, { role: 'admin' })).toMatchObject({
      status: 403,
      code: 'role-forbidden',
    });
    expect(agent.deps.devices.roleOf(viewer.id)).toBe('viewer');
    const status = await call(agent, viewer.device, 'GET', ROUTES.status);
    expect(status.json.access).toEqual({ role: 'viewer', adminNames: ['Anna’s phone'] });
    // And it may leave.
    expect((await call(agent, viewer.device, 'DELETE', own)).status).toBe(200);
    expect((await call(agent, viewer.device, 'GET', ROUTES.status)).code).toBe('device-revoked');
  });

  it('pairs the first device as an admin whatever its code said, and refuses a role in the body', async () => {
    const agent = makeAgent();
    const first = await pairAs(agent, 'viewer', 'Anna’s phone');
    expect(first.answer.role).toBe('admin');
    const code = agent.deps.pairing.mint('Kid’s tablet', 'viewer').code;
    const forged = newDevice();
    const body = { ...(await pairBody(agent, forged, code)), role: 'admin' };
    const res = await agent.app.request(await signed(agent, forged, 'POST', ROUTES.pair, body));
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('validation-failed');
    const second = await pairDevice(agent, newDevice(), code);
    expect((await second.json()).role).toBe('viewer');
    const devices = await call(agent, first.device, 'GET', ROUTES.devices);
    expect(
      devices.json.devices.map((d: { name: string; role: string }) => [d.name, d.role]),
    ).toEqual([
      ['Anna’s phone', 'admin'],
      ['Kid’s tablet', 'viewer'],
    ]);
    expect(agent.deps.audit.list(10).entries.map((e) => e.detail)).toContain(
      '“Anna’s phone” was paired as an admin.',
    );
  });

  it('lets an admin mint codes for either role, change roles, and never lose the last admin', async () => {
    const agent = makeAgent();
    const anna = await pairAs(agent, 'admin', 'Anna’s phone');
    const minted = await call(agent, anna.device, 'POST', ROUTES.pairingCodes, { role: 'viewer' });
    expect(minted).toMatchObject({ status: 201, json: { role: 'viewer' } });
    expect((await call(agent, anna.device, 'POST', ROUTES.pairingCodes)).json.role).toBe('admin');
    const badRole = await call(agent, anna.device, 'POST', ROUTES.pairingCodes, { role: 'owner' });
    expect(badRole).toMatchObject({ status: 400, code: 'validation-failed' });

    const tom = await pairAs(agent, 'viewer', 'Tom’s laptop');
    const lastAdmin = { status: 409, code: 'last-admin' };
    const annaPath = ROUTES.device(anna.id);
    expect(await call(agent, anna.device, 'PATCH', annaPath, { role: 'viewer' })).toMatchObject(
      lastAdmin,
    );
    expect(await call(agent, anna.device, 'DELETE', annaPath)).toMatchObject(lastAdmin);
    const promoted = await call(agent, anna.device, 'PATCH', ROUTES.device(tom.id), {
      role: 'admin',
    });
    expect(promoted.json.device).toMatchObject({ id: tom.id, role: 'admin', current: false });
    const demoted = await call(agent, tom.device, 'PATCH', ROUTES.device(tom.id), {
      role: 'viewer',
    });
    expect(demoted.json.device).toMatchObject({ role: 'viewer', current: true });
    expect(
      agent.deps.audit
        .list(10)
        .entries.filter((e) => e.kind === 'device-role-changed')
        .map((e) => e.detail),
    ).toEqual([
      '“Tom’s laptop” is now a viewer (by itself).',
      '“Tom’s laptop” is now an admin (by “Anna’s phone”).',
    ]);
  });

  it.each([
    ['demote', 'PATCH', { role: 'viewer' }],
    ['revoke', 'DELETE', undefined],
  ])('keeps one admin when two admins %s each other at once', async (_, method, body) => {
    const agent = makeAgent();
    const anna = await pairAs(agent, 'admin', 'Anna’s phone');
    const tom = await pairAs(agent, 'admin', 'Tom’s laptop');
    const requests = [
      await signed(agent, anna.device, method, ROUTES.device(tom.id), body),
      await signed(agent, tom.device, method, ROUTES.device(anna.id), body),
    ];
    const answers = await Promise.all(requests.map((r) => agent.app.request(r)));
    const statuses = answers.map((a) => a.status).sort();
    // The second is refused: by the last-admin rule, or as no admin any more once the first won.
    expect(statuses[0]).toBe(200);
    expect([403, 409, 401]).toContain(statuses[1]);
    expect(agent.deps.devices.list().filter((d) => d.role === 'admin')).toHaveLength(1);
  });
});
