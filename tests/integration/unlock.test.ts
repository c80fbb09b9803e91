// Unlock and lock with the real agent on a sandbox Pi: the helper as a child process, the real
// cryptsetup checking the passphrase on a real LUKS2 image, stub systemctl and a stub Immich.
import nacl from 'tweetnacl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSPHRASE, type SandboxPi } from '../../sandbox-pi/index.ts';
import { ROUTES } from '../../shared/api.ts';
import { fromBase64url, toBase64url, utf8Encode } from '../../shared/protocol/index.ts';
import { unlockKeyMessage } from '../../shared/protocol/unlock-key.ts';
import type { StatusResponse } from '../../shared/status.ts';
import type {
  Operation,
  OperationResponse,
  OperationStarted,
  UnlockKeyResponse,
} from '../../shared/unlock.ts';
import {
  type AgentProcess,
  type PairedDevice,
  pairedAgent,
  startAgent,
  stopAllAgents,
} from '../fixtures/agent-process.ts';
import { eventually } from '../fixtures/eventually.ts';

const UNITS = ['postgresql.service', 'immich-server.service', 'immich-machine-learning.service'];
const UNLOCK_STEPS = ['open', 'mount', ...UNITS.map((u) => `start:${u}`), 'ping'];

let pi: SandboxPi;
let agent: AgentProcess;
let phone: PairedDevice;

beforeAll(async () => {
  ({ pi, agent, phone } = await pairedAgent());
  expect(pi.cryptsetupAvailable).toBe(true);
}, 60_000);

afterAll(async () => {
  await stopAllAgents();
  await pi?.remove();
});

async function json<T>(method: string, path: string, body?: unknown) {
  const res = await phone.signedFetch(method, path, body);
  return { status: res.status, body: (await res.json()) as T & { error?: { code: string } } };
}

/** sealedUnlock fetches the unlock key, checks it against the pinned agent key, seals and posts. */
async function sealedUnlock(passphrase: string) {
  const key = (await json<UnlockKeyResponse>('GET', ROUTES.unlockKey)).body;
  const publicKey = fromBase64url(key.publicKey) as Uint8Array;
  const message = unlockKeyMessage(key.bootId, key.keyId, publicKey);
  const agentKey = await crypto.subtle.importKey(
    'raw',
    new Uint8Array(phone.agentKey),
    'Ed25519',
    false,
    ['verify'],
  );
  const signature = fromBase64url(key.signature) as Uint8Array;
  expect(
    await crypto.subtle.verify(
      'Ed25519',
      agentKey,
      new Uint8Array(signature),
      new Uint8Array(message),
    ),
  ).toBe(true);
  const client = nacl.box.keyPair();
  const nonce = nacl.randomBytes(24);
  const box = nacl.box(utf8Encode(passphrase), nonce, publicKey, client.secretKey);
  return json<OperationStarted>('POST', ROUTES.unlock, {
    keyId: key.keyId,
    clientPublicKey: toBase64url(client.publicKey),
    nonce: toBase64url(nonce),
    box: toBase64url(box),
  });
}

/** settled polls an operation once a second as the app does, until it ends (60 s at most). */
async function settled(id: string): Promise<Operation> {
  const read = async () => (await json<OperationResponse>('GET', ROUTES.operation(id))).body;
  const { operation } = await eventually(`operation ${id} to end`, read, {
    until: (body) => body.operation.state !== 'running',
    timeoutMs: 60_000,
    everyMs: 100,
  });
  return operation;
}

async function status(): Promise<StatusResponse> {
  return (await json<StatusResponse>('GET', ROUTES.status)).body;
}

describe('unlock and lock on a sandbox Pi', () => {
  it('fails a wrong passphrase checked by the real cryptsetup, and stays locked', async () => {
    const started = await sealedUnlock(`${DEMO_PASSPHRASE}-not`);
    expect(started.status).toBe(202);
    const op = await settled(started.body.operationId);
    expect(op.error).toMatchObject({ code: 'wrong-passphrase', step: 'open', triesLeft: 4 });
    const now = await status();
    expect(now.drive.state).toBe('locked');
    expect(now.unlock.triesLeft).toBe(4);
  });

  it('refuses to unlock a drive that is not there', async () => {
    await pi.unplugDrive();
    try {
      const refused = await sealedUnlock(DEMO_PASSPHRASE);
      expect([refused.status, refused.body.error?.code]).toEqual([409, 'drive-missing']);
      expect((await status()).drive.state).toBe('missing');
    } finally {
      await pi.plugDrive();
    }
  });

  it('ends with unit-failed and the unit log lines when a service does not start', async () => {
    await pi.failUnit('immich-server.service', true, ['FATAL: role "immich" does not exist']);
    const started = await sealedUnlock(DEMO_PASSPHRASE);
    const op = await settled(started.body.operationId);
    expect(op.error).toMatchObject({
      code: 'unit-failed',
      step: 'start:immich-server.service',
      unit: 'immich-server.service',
      logLines: ['FATAL: role "immich" does not exist'],
    });
    expect((await status()).drive.state).toBe('failed');
    await pi.failUnit('immich-server.service', false);
  });

  it('unlocks with the right passphrase through every step to running', async () => {
    const started = await sealedUnlock(DEMO_PASSPHRASE);
    expect(started.status).toBe(202);
    const op = await settled(started.body.operationId);
    expect(op.error).toBeNull();
    expect(op.state).toBe('succeeded');
    expect(op.steps.map((s) => [s.id, s.state])).toEqual(UNLOCK_STEPS.map((id) => [id, 'done']));
    const now = await status();
    expect(now.drive.state).toBe('running');
    expect(now.units.map((u) => u.state)).toEqual(['active', 'active', 'active']);
    expect(now.unlock).toEqual({ triesLeft: 5, retryAfterSeconds: null });
    const again = await sealedUnlock(DEMO_PASSPHRASE);
    expect([again.status, again.body.error?.code]).toEqual([409, 'already-unlocked']);
  });

  it('reports running after an agent restart, read from the system', async () => {
    await agent.stop();
    agent = await startAgent(pi);
    await phone.reconnect(agent.url);
    const now = await status();
    expect(now.drive.state).toBe('running');
    expect(now.operation).toBeNull();
  });

  it('locks back to locked: services stopped in reverse, unmounted, closed', async () => {
    const started = await json<OperationStarted>('POST', ROUTES.lock);
    expect(started.status).toBe(202);
    const op = await settled(started.body.operationId);
    expect(op.error).toBeNull();
    expect(op.steps.map((s) => [s.id, s.state])).toEqual([
      ['stop:immich-pi-verify-backup.service', 'skipped'],
      ['stop:immich-backup.service', 'skipped'],
      ...[...UNITS].reverse().map((u) => [`stop:${u}`, 'done']),
      ['unmount', 'done'],
      ['close', 'done'],
    ]);
    const now = await status();
    expect(now.drive.state).toBe('locked');
    expect(now.units.map((u) => u.state)).toEqual(['inactive', 'inactive', 'inactive']);
  });

  it('never wrote the passphrase into the command log, the agent output or the helper state', async () => {
    const log = JSON.stringify(await pi.readCommandLog());
    expect(log).toContain('cryptsetup');
    for (const text of [log, agent.stdout(), agent.stderr()]) {
      expect(text).not.toContain(DEMO_PASSPHRASE);
    }
    // Exactly the argv the helper is allowed: no passphrase, key file on stdin.
    const opens = (await pi.readCommandLog()).filter(
      (argv) => argv[0] === 'cryptsetup' && argv[1] === 'open',
    );
    expect(opens.length).toBeGreaterThanOrEqual(3);
    for (const argv of opens) expect(argv).toContain('--key-file=-');
    expect(agent.stderr()).not.toMatch(/^error/m);
  });
});
