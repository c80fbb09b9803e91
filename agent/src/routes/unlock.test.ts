// Unlock through app.request on a FakePi whose helper records requests: the key, the steps, the
// wrong-passphrase budget, joining, and the 4xx codes of bad input.
import { verify } from 'node:crypto';
import * as v from 'valibot';
import { describe, expect, it, vi } from 'vitest';
import { ROUTES } from '../../../shared/api.ts';
import { fromBase64url, utf8Encode } from '../../../shared/protocol/index.ts';
import { unlockKeyMessage } from '../../../shared/protocol/unlock-key.ts';
import { OperationStarted } from '../../../shared/unlock.ts';
import { makeAgent, pairedDevice, RIGHT_PASSPHRASE, sealFor } from '../app.fixtures.ts';
import {
  call,
  operation,
  postUnlock,
  setup,
  status,
  stepStates,
  UNITS,
  unlocked,
  unlockKey,
} from './unlock.fixtures.ts';

describe('GET /api/v1/unlock/key', () => {
  it('serves the per-start X25519 key, signed by the agent identity over this boot', async () => {
    const { agent, phone } = await setup();
    const key = await unlockKey(agent, phone);
    const message = unlockKeyMessage(
      key.bootId,
      key.keyId,
      fromBase64url(key.publicKey) as Uint8Array,
    );
    const signature = fromBase64url(key.signature) as Uint8Array;
    expect(key.bootId).toBe('boot-1');
    expect(verify(null, message, agent.identity.publicKey, signature)).toBe(true);
    expect((await unlockKey(agent, phone)).keyId).toBe(key.keyId);
    // Each key fetch readies a helper for the unlock about to come.
    expect(agent.pi.warmed).toBe(2);
    expect((await agent.app.request(ROUTES.unlockKey)).status).toBe(401);
  });
});

describe('POST /api/v1/unlock', () => {
  it('runs open, mount, each service and the Immich wait, in order, to "running"', async () => {
    const { agent, phone } = await setup();
    const started = await postUnlock(agent, phone, RIGHT_PASSPHRASE);
    expect(started.status).toBe(202);
    expect(v.parse(OperationStarted, started.body)).toEqual({
      operationId: expect.any(String),
      joined: false,
    });
    await agent.deps.driveControl.idle();
    const op = await operation(agent, phone, started.body.operationId);
    expect(op).toMatchObject({ kind: 'unlock', state: 'succeeded', error: null });
    expect(op.finishedAt).toBeGreaterThanOrEqual(op.startedAt);
    expect(op.steps.map((s) => [s.id, s.label, s.state])).toEqual([
      ['open', 'Opening the drive', 'done'],
      ['mount', 'Mounting the drive', 'done'],
      ['start:postgresql.service', 'Starting Postgres', 'done'],
      ['start:immich-server.service', 'Starting Immich', 'done'],
      ['start:immich-machine-learning.service', 'Starting machine learning', 'done'],
      ['ping', 'Waiting for Immich to answer', 'done'],
    ]);
    expect(agent.pi.requests).toEqual([
      'open',
      'start mnt-immich_drive.mount',
      ...UNITS.map((unit) => `start ${unit}`),
    ]);
    // The helper got the exact bytes, and the agent zeroed its buffer afterwards.
    expect(agent.pi.passphrases).toEqual([RIGHT_PASSPHRASE]);
    expect(agent.pi.buffers[0]?.every((b) => b === 0)).toBe(true);

    const now = await status(agent, phone);
    expect(now.drive.state).toBe('running');
    expect(now.operation).toBeNull();
    expect(now.units).toEqual([
      { unit: 'postgresql.service', label: 'Postgres', state: 'active' },
      { unit: 'immich-server.service', label: 'Immich', state: 'active' },
      { unit: 'immich-machine-learning.service', label: 'Machine learning', state: 'active' },
    ]);
    expect(agent.events).toEqual([
      { type: 'immich-back', at: expect.any(Number), operationId: op.id },
    ]);
    const audit = await call(agent, phone, 'GET', `${ROUTES.audit}?limit=1`);
    expect(audit.body.entries[0]).toMatchObject({ kind: 'unlocked' });
  });

  it('shows each step as it runs, and unlocking in status, while the phone polls', async () => {
    const { agent, phone } = await setup();
    const release = agent.pi.hold('start immich-server.service');
    const started = await postUnlock(agent, phone, RIGHT_PASSPHRASE);
    await vi.waitFor(() => expect(agent.pi.requests).toContain('start immich-server.service'));
    const midway = await operation(agent, phone, started.body.operationId);
    expect(stepStates(midway)).toEqual([
      'open=done',
      'mount=done',
      'start:postgresql.service=done',
      'start:immich-server.service=running',
      'start:immich-machine-learning.service=pending',
      'ping=pending',
    ]);
    expect(midway.steps[3]?.startedAt).toBe(agent.clock.wallMs);
    const now = await status(agent, phone);
    expect(now.drive.state).toBe('unlocking');
    expect(now.operation).toEqual({ id: started.body.operationId, kind: 'unlock' });
    release();
    await agent.deps.driveControl.idle();
    expect((await operation(agent, phone, started.body.operationId)).state).toBe('succeeded');
  });

  it('fails a wrong passphrase with the tries left, audits it and raises unlock-failed', async () => {
    const { agent, phone } = await setup();
    const started = await postUnlock(agent, phone, 'not-it-7f3a');
    await agent.deps.driveControl.idle();
    const op = await operation(agent, phone, started.body.operationId);
    expect(op.state).toBe('failed');
    expect(op.error).toEqual({
      code: 'wrong-passphrase',
      message: 'The passphrase is wrong.',
      step: 'open',
      unit: null,
      logLines: [],
      triesLeft: 4,
      retryAfterSeconds: null,
    });
    expect(stepStates(op)).toEqual([
      'open=failed',
      'mount=skipped',
      ...UNITS.map((u) => `start:${u}=skipped`),
      'ping=skipped',
    ]);
    expect(agent.pi.requests).toEqual(['open']);
    expect(agent.pi.buffers[0]?.every((b) => b === 0)).toBe(true);
    const now = await status(agent, phone);
    expect(now.drive.state).toBe('locked');
    expect(now.unlock).toEqual({ triesLeft: 4, retryAfterSeconds: null });
    expect(agent.events).toEqual([
      expect.objectContaining({ type: 'unlock-failed', code: 'wrong-passphrase', triesLeft: 4 }),
    ]);
    const audit = await call(agent, phone, 'GET', `${ROUTES.audit}?limit=1`);
    expect(audit.body.entries[0]).toMatchObject({ kind: 'unlock-failed' });
    expect(JSON.stringify([audit.body, op, agent.events])).not.toContain('not-it-7f3a');
  });

  it('refuses a sixth wrong passphrase within 15 minutes with 429 and the wait', async () => {
    const { agent, phone } = await setup();
    for (let i = 0; i < 5; i++) {
      expect((await postUnlock(agent, phone, `wrong ${i}`)).status).toBe(202);
      await agent.deps.driveControl.idle();
      agent.clock.monoMs += 60_000;
    }
    const refused = await postUnlock(agent, phone, RIGHT_PASSPHRASE);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('unlock-rate-limited');
    // The first failure leaves the 15-minute window 10 minutes after it.
    expect(refused.headers.get('retry-after')).toBe('600');
    expect(agent.pi.requests.filter((r) => r === 'open')).toHaveLength(5);
    expect((await status(agent, phone)).unlock).toEqual({ triesLeft: 0, retryAfterSeconds: 600 });
    agent.clock.monoMs += 600_000;
    expect((await postUnlock(agent, phone, RIGHT_PASSPHRASE)).status).toBe(202);
  });

  it('joins a second unlock to the one in flight: one open, the new bytes zeroed', async () => {
    const { agent, phone } = await setup();
    const release = agent.pi.hold('open');
    const first = await postUnlock(agent, phone, RIGHT_PASSPHRASE);
    // Handed over and zeroed while the helper is still working on it.
    expect(agent.pi.passphrases).toEqual([RIGHT_PASSPHRASE]);
    expect(agent.pi.buffers[0]?.every((b) => b === 0)).toBe(true);
    const second = await postUnlock(agent, phone, 'anything');
    expect(second).toMatchObject({
      status: 202,
      body: { operationId: first.body.operationId, joined: true },
    });
    const direct = utf8Encode('direct bytes');
    expect(await agent.deps.driveControl.unlock(direct)).toEqual({
      operationId: first.body.operationId,
      joined: true,
    });
    expect(direct.every((b) => b === 0)).toBe(true);
    release();
    await agent.deps.driveControl.idle();
    expect(agent.pi.requests.filter((r) => r === 'open')).toHaveLength(1);
  });

  it('answers stable codes for stale keys, bad boxes and passphrases of 0 or 10,000 bytes', async () => {
    const { agent, phone } = await setup();
    const key = await unlockKey(agent, phone);
    const good = sealFor(key, utf8Encode(RIGHT_PASSPHRASE));
    const otherAgent = makeAgent();
    const oldKey = await unlockKey(otherAgent, await pairedDevice(otherAgent));
    const cases: Array<[string, unknown, number, string]> = [
      [
        'a key id from before a restart',
        { ...good, keyId: 'AAAAAAAAAAAAAAAAAAAAAA' },
        409,
        'unlock-key-stale',
      ],
      [
        'a box sealed to another agent key',
        sealFor(oldKey, utf8Encode('x')),
        409,
        'unlock-key-stale',
      ],
      ['a garbage box', { ...good, box: 'A'.repeat(64) }, 400, 'sealed-box-invalid'],
      [
        'a box sealed to another key under this id',
        { ...sealFor(oldKey, utf8Encode('x')), keyId: key.keyId },
        400,
        'sealed-box-invalid',
      ],
      ['0 bytes', sealFor(key, new Uint8Array(0)), 400, 'passphrase-length'],
      ['10,000 bytes', sealFor(key, new Uint8Array(10_000).fill(97)), 400, 'passphrase-length'],
      ['513 bytes', sealFor(key, new Uint8Array(513).fill(97)), 400, 'passphrase-length'],
      ['a box that is not text', { ...good, box: 42 }, 400, 'validation-failed'],
      ['an unknown field', { ...good, passphrase: 'x' }, 400, 'validation-failed'],
    ];
    for (const [what, body, code, error] of cases) {
      const res = await call(agent, phone, 'POST', ROUTES.unlock, body);
      expect({ what, status: res.status, code: res.body.error.code }).toEqual({
        what,
        status: code,
        code: error,
      });
    }
    expect(agent.pi.requests).toEqual([]);
  });

  it('refuses unlock when running, when the drive is missing, and while locking', async () => {
    const { agent, phone } = await setup();
    await unlocked(agent, phone);
    const again = await postUnlock(agent, phone, RIGHT_PASSPHRASE);
    expect([again.status, again.body.error.code]).toEqual([409, 'already-unlocked']);

    const release = agent.pi.hold('stop immich-server.service');
    const lock = await call(agent, phone, 'POST', ROUTES.lock);
    expect(lock.status).toBe(202);
    const during = await postUnlock(agent, phone, RIGHT_PASSPHRASE);
    expect([during.status, during.body.error.code]).toEqual([409, 'operation-in-progress']);
    release();
    await agent.deps.driveControl.idle();

    agent.pi.devicePresent = false;
    const missing = await postUnlock(agent, phone, RIGHT_PASSPHRASE);
    expect([missing.status, missing.body.error.code]).toEqual([409, 'drive-missing']);
    expect(agent.pi.requests.filter((r) => r === 'open')).toHaveLength(1);
  });
});
