// How unlock and lock end, seen through the app as a phone sees them: each helper answer, the
// Immich wait, step time limits, and lock's steps in reverse.
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../../../shared/api.ts';
import { RIGHT_PASSPHRASE } from '../../app.fixtures.ts';
import {
  call,
  operation,
  postUnlock,
  setup,
  status,
  UNITS,
  unlocked,
} from '../../routes/unlock.fixtures.ts';

describe('unlock outcomes', () => {
  it('ends with unit-failed, the unit and its log lines, and reports failed', async () => {
    const { agent, phone } = await setup();
    agent.pi.answers.set('start immich-server.service', {
      ok: false,
      code: 'unit-failed',
      message: 'the unit failed to start',
      logLines: ['FATAL: database "immich" does not exist', '<b>not html</b>'],
    });
    const op = await unlocked(agent, phone);
    expect(op.error).toMatchObject({
      code: 'unit-failed',
      message: 'Immich failed to start.',
      step: 'start:immich-server.service',
      unit: 'immich-server.service',
      logLines: ['FATAL: database "immich" does not exist', '<b>not html</b>'],
    });
    expect(agent.pi.requests.at(-1)).toBe('start immich-server.service');
    expect((await status(agent, phone)).drive.state).toBe('failed');
    expect(agent.events[0]).toMatchObject({ type: 'unlock-failed', code: 'unit-failed' });
  });

  it.each([
    ['drive-missing', 'drive-missing'],
    ['insufficient-memory', 'insufficient-memory'],
    ['kdf-busy', 'kdf-busy'],
    ['timeout', 'step-timeout'],
    ['helper-unavailable', 'helper-unavailable'],
    ['command-failed', 'helper-error'],
  ] as const)('maps the helper answer %s to %s', async (helperCode, code) => {
    const { agent, phone } = await setup();
    agent.pi.answers.set('open', { ok: false, code: helperCode, message: 'm' });
    const op = await unlocked(agent, phone);
    expect(op.error).toMatchObject({ code, step: 'open' });
  });

  it('passes the helper rate limit on with its wait', async () => {
    const { agent, phone } = await setup();
    agent.pi.answers.set('open', {
      ok: false,
      code: 'unlock-rate-limited',
      message: 'm',
      retryAfterSeconds: 321,
    });
    // The helper counted five failures this agent never saw (they came before it started).
    agent.pi.failureAgesMs = [600_000, 400_000, 300_000, 2_000, 1_000];
    const op = await unlocked(agent, phone);
    expect(op.error).toMatchObject({ code: 'unlock-rate-limited', retryAfterSeconds: 321 });
    // Refused, it takes in the helper's record: the oldest failure leaves the 15 minutes in 300 s.
    expect(agent.pi.requests).toEqual(['open', 'tries']);
    expect((await status(agent, phone)).unlock).toEqual({ triesLeft: 0, retryAfterSeconds: 300 });
    const again = await postUnlock(agent, phone, RIGHT_PASSPHRASE);
    expect([again.status, again.headers.get('retry-after')]).toEqual([429, '300']);
  });

  it('takes in the helper count when a wrong passphrase leaves fewer tries than it thought', async () => {
    const { agent, phone } = await setup();
    agent.pi.failureAgesMs = [5_000, 3_000, 0];
    agent.pi.answers.set('open', {
      ok: false,
      code: 'wrong-passphrase',
      message: 'm',
      triesLeft: 2,
    });
    const op = await unlocked(agent, phone);
    expect(op.error).toMatchObject({ code: 'wrong-passphrase', triesLeft: 2 });
    expect(agent.pi.requests).toEqual(['open', 'tries']);
    expect((await status(agent, phone)).unlock).toEqual({ triesLeft: 2, retryAfterSeconds: null });
  });

  it('syncTries counts what the helper has on record, and keeps its own count when it cannot ask', async () => {
    const { agent, phone } = await setup();
    agent.pi.failureAgesMs = [10_000, 5_000];
    expect(await agent.deps.driveControl.syncTries()).toBe(true);
    expect((await status(agent, phone)).unlock).toEqual({ triesLeft: 3, retryAfterSeconds: null });
    agent.pi.answers.set('tries', { ok: false, code: 'helper-unavailable', message: 'm' });
    agent.pi.failureAgesMs = [];
    expect(await agent.deps.driveControl.syncTries()).toBe(false);
    expect((await status(agent, phone)).unlock).toEqual({ triesLeft: 3, retryAfterSeconds: null });
  });

  it('ends with immich-not-answering after timeouts.immichSeconds of pings', async () => {
    const { agent, phone } = await setup({ config: { timeouts: { immichSeconds: 30 } } });
    agent.pi.immichAnswers = false;
    const before = agent.clock.monoMs;
    const op = await unlocked(agent, phone);
    expect(op.error).toMatchObject({
      code: 'immich-not-answering',
      step: 'ping',
      message: 'Immich did not answer within 30 seconds.',
    });
    expect(agent.clock.monoMs - before).toBe(30_000); // one ping a second, then give up
    expect((await status(agent, phone)).drive.state).toBe('failed');
  });

  it('ends with step-timeout when the helper does not answer within the step limit', async () => {
    const { agent, phone } = await setup({ config: { timeouts: { mountSeconds: 0.05 } } });
    const release = agent.pi.hold('start mnt-immich_drive.mount');
    const op = await unlocked(agent, phone);
    release();
    expect(op.error).toMatchObject({
      code: 'step-timeout',
      step: 'mount',
      message: 'Mounting the drive took too long.',
    });
  });
});

describe('POST /api/v1/lock', () => {
  it('stops the services in reverse, unmounts and closes, back to locked', async () => {
    const { agent, phone } = await setup();
    await unlocked(agent, phone);
    agent.pi.requests.length = 0;
    const started = await call(agent, phone, 'POST', ROUTES.lock);
    expect(started).toMatchObject({ status: 202, body: { joined: false } });
    await agent.deps.driveControl.idle();
    const op = await operation(agent, phone, started.body.operationId);
    expect(op.steps.map((s) => [s.id, s.label, s.state])).toEqual([
      ['stop:immich-pi-verify-backup.service', 'Stopping the restore test', 'skipped'],
      ['stop:immich-backup.service', 'Stopping the backup', 'skipped'],
      ['stop:immich-machine-learning.service', 'Stopping machine learning', 'done'],
      ['stop:immich-server.service', 'Stopping Immich', 'done'],
      ['stop:postgresql.service', 'Stopping Postgres', 'done'],
      ['unmount', 'Unmounting the drive', 'done'],
      ['close', 'Closing the drive', 'done'],
    ]);
    expect(agent.pi.requests).toEqual([
      ...[...UNITS].reverse().map((unit) => `stop ${unit}`),
      'stop mnt-immich_drive.mount',
      'close',
    ]);
    expect((await status(agent, phone)).drive.state).toBe('locked');
    const again = await call(agent, phone, 'POST', ROUTES.lock);
    expect([again.status, again.body.error.code]).toEqual([409, 'already-locked']);
    const audit = await call(agent, phone, 'GET', `${ROUTES.audit}?limit=1`);
    expect(audit.body.entries[0]).toMatchObject({ kind: 'locked' });
  });

  it('stops a running backup first, joins a second lock, and refuses lock while unlocking', async () => {
    const { agent, phone } = await setup();
    await unlocked(agent, phone);
    agent.pi.units.set('immich-backup.service', 'active');
    agent.pi.requests.length = 0;
    const release = agent.pi.hold('stop immich-backup.service');
    const first = await call(agent, phone, 'POST', ROUTES.lock);
    const second = await call(agent, phone, 'POST', ROUTES.lock);
    expect(second.body).toEqual({ operationId: first.body.operationId, joined: true });
    release();
    await agent.deps.driveControl.idle();
    expect(agent.pi.requests[0]).toBe('stop immich-backup.service');

    const hold = agent.pi.hold('open');
    await postUnlock(agent, phone, RIGHT_PASSPHRASE);
    const during = await call(agent, phone, 'POST', ROUTES.lock);
    expect([during.status, during.body.error.code]).toEqual([409, 'operation-in-progress']);
    hold();
    await agent.deps.driveControl.idle();
  });

  it('stops a running restore drill before the backup and the services', async () => {
    const { agent, phone } = await setup();
    await unlocked(agent, phone);
    agent.pi.units.set('immich-pi-verify-backup.service', 'active');
    agent.pi.requests.length = 0;
    const started = await call(agent, phone, 'POST', ROUTES.lock);
    await agent.deps.driveControl.idle();
    const op = await operation(agent, phone, started.body.operationId);
    expect(op.steps[0]).toMatchObject({
      id: 'stop:immich-pi-verify-backup.service',
      label: 'Stopping the restore test',
      state: 'done',
    });
    expect(agent.pi.requests.slice(0, 2)).toEqual([
      'stop immich-pi-verify-backup.service',
      `stop ${UNITS.at(-1)}`,
    ]);
  });
});

describe('an operation that crashes', () => {
  it('ends failed instead of taking the agent down', async () => {
    const { agent, phone } = await setup();
    agent.deps.audit.record = () => {
      throw new Error('disk on fire');
    };
    const op = await unlocked(agent, phone);
    expect(op).toMatchObject({ state: 'failed', error: { code: 'helper-error', step: null } });
    expect((await status(agent, phone)).operation).toBeNull();
  });
});
