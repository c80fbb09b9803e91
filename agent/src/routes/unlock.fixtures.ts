// Test support for unlock and lock through app.request: a paired phone, sealing, polling.
import * as v from 'valibot';
import { expect } from 'vitest';
import { ROUTES } from '../../../shared/api.ts';
import { utf8Encode } from '../../../shared/protocol/index.ts';
import type { StatusResponse } from '../../../shared/status.ts';
import { type Operation, OperationResponse, UnlockKeyResponse } from '../../../shared/unlock.ts';
import {
  type Agent,
  type Device,
  makeAgent,
  pairedDevice,
  RIGHT_PASSPHRASE,
  sealFor,
  signed,
} from '../app.fixtures.ts';

/** The default config's services, in start order. */
export const UNITS = [
  'postgresql.service',
  'immich-server.service',
  'immich-machine-learning.service',
];

/** setup makes an agent on a FakePi and a phone paired with it. */
export async function setup(options?: Parameters<typeof makeAgent>[0]) {
  const agent = makeAgent(options);
  return { agent, phone: await pairedDevice(agent) };
}

/** call sends a signed request and answers its status, headers and JSON body. */
export async function call(
  agent: Agent,
  phone: Device,
  method: string,
  path: string,
  body?: unknown,
) {
  const res = await agent.app.request(await signed(agent, phone, method, path, body));
  return { status: res.status, headers: res.headers, body: await res.json() };
}

/** unlockKey fetches GET /unlock/key as the PWA does. */
export async function unlockKey(agent: Agent, phone: Device) {
  const { status, body } = await call(agent, phone, 'GET', ROUTES.unlockKey);
  expect(status).toBe(200);
  return v.parse(UnlockKeyResponse, body);
}

/** postUnlock seals a passphrase to the current key and posts it. */
export async function postUnlock(agent: Agent, phone: Device, passphrase: string | Uint8Array) {
  const bytes = typeof passphrase === 'string' ? utf8Encode(passphrase) : passphrase;
  return call(agent, phone, 'POST', ROUTES.unlock, sealFor(await unlockKey(agent, phone), bytes));
}

/** operation polls GET /operations/{id} once. */
export async function operation(agent: Agent, phone: Device, id: string): Promise<Operation> {
  const { status, body } = await call(agent, phone, 'GET', ROUTES.operation(id));
  expect(status).toBe(200);
  return v.parse(OperationResponse, body).operation;
}

/** status answers GET /status. */
export async function status(agent: Agent, phone: Device): Promise<StatusResponse> {
  return (await call(agent, phone, 'GET', ROUTES.status)).body;
}

/** unlocked runs an unlock with the right passphrase to its end. */
export async function unlocked(agent: Agent, phone: Device): Promise<Operation> {
  const started = await postUnlock(agent, phone, RIGHT_PASSPHRASE);
  expect(started.status).toBe(202);
  await agent.deps.driveControl.idle();
  return operation(agent, phone, started.body.operationId);
}

/** stepStates lists an operation's steps as `id=state`. */
export const stepStates = (op: Operation) => op.steps.map((s) => `${s.id}=${s.state}`);
