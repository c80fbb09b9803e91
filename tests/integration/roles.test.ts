// Roles on the real agent process (ARCHITECTURE §14): a viewer paired with a CLI `pair --role
// viewer` code is refused every admin route (generated from the route table), served the rest,
// and roles change and devices go through the API and the CLI, never past the last admin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredDevice } from '../../agent/src/services/devices.ts';
import type { SandboxPi } from '../../sandbox-pi/index.ts';
import { ROUTES } from '../../shared/api.ts';
import type { DeviceResponse } from '../../shared/devices.ts';
import { ROUTE_ACCESS } from '../../shared/roles.ts';
import type { StatusResponse } from '../../shared/status.ts';
import {
  mintCode,
  type PairedDevice,
  pairDevice,
  pairedAgent,
  runCli,
  stopAllAgents,
} from '../fixtures/agent-process.ts';

let pi: SandboxPi;
let anna: PairedDevice;
let kid: PairedDevice;

beforeAll(async () => {
  const paired = await pairedAgent({ phoneName: 'Anna’s phone' });
  pi = paired.pi;
  anna = paired.phone;
  kid = await pairDevice(paired.agent.url, (await mintCode(pi, 'Kid’s tablet', 'viewer')).code);
});
afterAll(async () => {
  await stopAllAgents();
  await pi?.remove();
});

/** send makes one signed request and answers its status, error code and body. */
async function send(device: PairedDevice, method: string, path: string, body?: unknown) {
  const res = await device.signedFetch(method, path, body);
  const json = (await res.json()) as { error?: { code: string } } & Record<string, unknown>;
  return { status: res.status, code: json.error?.code, json };
}

const cliDevices = async () =>
  JSON.parse((await runCli(pi, ['devices', '--json'])).stdout) as StoredDevice[];

describe('roles on the sandbox agent', () => {
  it('pairs a viewer with a CLI `pair --role viewer` code, and lists roles', async () => {
    const roles = (await cliDevices()).map((d) => [d.name, d.role]);
    expect(roles).toEqual([
      ['Anna’s phone', 'admin'],
      ['Kid’s tablet', 'viewer'],
    ]);
    const table = await runCli(pi, ['devices']);
    expect(table.stdout).toMatch(/^ID +NAME +ROLE +PAIRED/);
    expect(table.stdout).toMatch(/Kid’s tablet +viewer/);
    const status = (await send(kid, 'GET', ROUTES.status)).json as unknown as StatusResponse;
    expect(status.access).toEqual({ role: 'viewer', adminNames: ['Anna’s phone'] });
  });

  it('refuses a viewer every admin route and others’ self routes, and serves its own', async () => {
    const answers = [];
    for (const [key, access] of Object.entries(ROUTE_ACCESS)) {
      const [method = '', pattern = ''] = key.split(' ');
      const path = `/api/v1${pattern.replace(':id', anna.id)}`;
      const { status, code } = await send(kid, method, path, method === 'GET' ? undefined : {});
      // A viewer's route answers 2xx or its own 4xx (a bad body, no such alert), never a refusal.
      const refused = status === 401 || status === 403 || status >= 500;
      answers.push({ key, outcome: access === 'viewer' ? { refused } : { status, code } });
    }
    expect(answers).toEqual(
      Object.entries(ROUTE_ACCESS).map(([key, access]) => ({
        key,
        outcome: access === 'viewer' ? { refused: false } : { status: 403, code: 'role-forbidden' },
      })),
    );
    expect(answers.length).toBe(Object.keys(ROUTE_ACCESS).length);
    // Its own device, by the same self routes: a new name, but never a role.
    const own = ROUTES.device(kid.id);
    expect((await send(kid, 'PATCH', own, { name: 'Kid’s tablet' })).status).toBe(200);
    expect(await send(kid, 'PATCH', own, { role: 'admin' })).toMatchObject({
      status: 403,
      code: 'role-forbidden',
    });
  });

  it('changes roles through the API and refuses to lose the last admin', async () => {
    const promoted = await send(anna, 'PATCH', ROUTES.device(kid.id), { role: 'admin' });
    expect((promoted.json as unknown as DeviceResponse).device).toMatchObject({ role: 'admin' });
    const kidStatus = (await send(kid, 'GET', ROUTES.status)).json as unknown as StatusResponse;
    expect(kidStatus.access.role).toBe('admin');
    // Now an admin, the tablet may read the audit log; back to a viewer, it may not.
    expect((await send(kid, 'GET', ROUTES.audit)).status).toBe(200);
    expect((await send(kid, 'PATCH', ROUTES.device(kid.id), { role: 'viewer' })).status).toBe(200);
    expect((await send(kid, 'GET', ROUTES.audit)).code).toBe('role-forbidden');

    const lastAdmin = { status: 409, code: 'last-admin' };
    const annaPath = ROUTES.device(anna.id);
    expect(await send(anna, 'PATCH', annaPath, { role: 'viewer' })).toMatchObject(lastAdmin);
    expect(await send(anna, 'DELETE', annaPath)).toMatchObject(lastAdmin);
  });

  it('changes a role from the CLI by name or id, refusing the last admin with a clear message', async () => {
    const up = await runCli(pi, ['devices', 'role', 'Kid’s tablet', 'admin']);
    expect(up).toMatchObject({ code: 0, stdout: '“Kid’s tablet” is now an admin.\n' });
    const down = await runCli(pi, ['devices', 'role', kid.id, 'viewer', '--json']);
    expect(down.code).toBe(0);
    expect(JSON.parse(down.stdout)).toMatchObject({ id: kid.id, role: 'viewer' });

    const refused = await runCli(pi, ['devices', 'role', 'Anna’s phone', 'viewer']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('This is the last admin device');
    const revoke = await runCli(pi, ['devices', 'revoke', anna.id]);
    expect(revoke.code).toBe(1);
    expect(revoke.stderr).toContain('This is the last admin device');
    const unknown = await runCli(pi, ['devices', 'role', 'Nobody', 'admin']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no paired device has the id or name "Nobody"');
    expect((await runCli(pi, ['devices', 'role', 'Kid’s tablet', 'owner'])).code).toBe(2);
    expect((await cliDevices()).map((d) => d.role)).toEqual(['admin', 'viewer']);
  });

  it('lets a viewer revoke itself but no other device', async () => {
    expect(await send(kid, 'DELETE', ROUTES.device(anna.id))).toMatchObject({
      status: 403,
      code: 'role-forbidden',
    });
    expect((await send(kid, 'DELETE', ROUTES.device(kid.id))).json).toEqual({ revoked: kid.id });
    expect((await send(kid, 'GET', ROUTES.status)).code).toBe('device-revoked');
    expect((await send(anna, 'GET', ROUTES.status)).status).toBe(200);
  });
});
