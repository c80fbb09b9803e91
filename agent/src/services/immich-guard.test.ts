// The thermal guard's service on a FakePi: heat pauses Immich's heavy queues and cooling resumes
// exactly those, no key caps the CPU through the helper, a restart keeps the record, and the
// admins' routes pause, resume and change the settings.
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../../shared/api.ts';
import type { Agent } from '../app.fixtures.ts';
import { newDevice, pairDevice } from '../app.fixtures.ts';
import { call, setup, status, unlocked } from '../routes/unlock.fixtures.ts';
import { ImmichGuardService } from './immich-guard.ts';

/** hold feeds the guard one sample every 10 s for `seconds` at `celsius`. */
async function hold(agent: Agent, celsius: number, seconds: number, throttled = false) {
  for (let t = 0; t < seconds; t += 10) {
    agent.clock.monoMs += 10_000;
    agent.clock.wallMs += 10_000;
    await agent.deps.immich.tick({ temperatureC: celsius, throttled, driveUp: true });
  }
}

const pausedQueues = (agent: Agent) =>
  [...agent.pi.immich.queues.values()].filter((q) => q.paused).map((q) => q.name);

const auditKinds = (agent: Agent) => agent.deps.audit.list(100).entries.map((entry) => entry.kind);

async function unlockedAgent(config?: Record<string, unknown>) {
  const { agent, phone } = await setup(config ? { config } : undefined);
  await unlocked(agent, phone);
  return { agent, phone };
}

describe('the thermal guard', () => {
  it('pauses the heavy queues after the hold, and resumes exactly those after the cool-down', async () => {
    const { agent, phone } = await unlockedAgent();
    // The person paused smart search before it got hot: never the guard's to resume.
    const smartSearch = agent.pi.immich.queues.get('smartSearch');
    if (smartSearch) smartSearch.paused = true;
    await hold(agent, 48, 30);
    expect((await status(agent, phone)).immich?.state).toBe('ok');

    await hold(agent, 79, 50);
    expect(pausedQueues(agent)).toEqual(['smartSearch']);
    await hold(agent, 79, 20);
    expect(pausedQueues(agent).sort()).toEqual(
      ['smartSearch', 'thumbnailGeneration', 'videoConversion'].sort(),
    );
    const hot = await status(agent, phone);
    expect(hot.immich?.guard).toMatchObject({ state: 'paused', reason: 'hot', capped: false });
    expect(hot.immich?.guard.pausedQueues.sort()).toEqual(
      ['thumbnailGeneration', 'videoConversion'].sort(),
    );
    expect(hot.alerts.map((a) => a.title)).toContain(
      'Pi is hot (79 °C): paused Immich’s heavy jobs',
    );
    expect(auditKinds(agent)).toContain('immich-jobs-paused');

    // Between the thresholds nothing changes; below resumeC it waits the whole cool-down.
    await hold(agent, 70, 600);
    expect(pausedQueues(agent)).toHaveLength(3);
    await hold(agent, 60, 290);
    expect(pausedQueues(agent)).toHaveLength(3);
    await hold(agent, 60, 20);
    expect(pausedQueues(agent)).toEqual(['smartSearch']);
    const cool = await status(agent, phone);
    expect(cool.immich?.guard).toMatchObject({ state: 'idle', pausedQueues: [] });
    expect(cool.alerts.map((a) => a.kind)).not.toContain('immich-jobs-paused');
    expect(auditKinds(agent)).toContain('immich-jobs-resumed');
    expect(agent.pi.immich.calls.filter((c) => c.includes('smartSearch'))).toEqual([]);
  });

  it('acts at once when the SoC says it throttles', async () => {
    const { agent } = await unlockedAgent();
    await hold(agent, 70, 10, true);
    expect(pausedQueues(agent).sort()).toEqual([
      'smartSearch',
      'thumbnailGeneration',
      'videoConversion',
    ]);
    expect(agent.deps.immich.status().guard.reason).toBe('throttled');
  });

  it('caps Immich’s CPU through the helper without a key, and lifts the cap when cool', async () => {
    const { agent, phone } = await setup();
    // A drive without Immich's key file: the unlock's first read of Immich finds none.
    agent.pi.immich.key = null;
    await unlocked(agent, phone);
    await hold(agent, 48, 10);
    const noKey = await status(agent, phone);
    expect(noKey.immich?.state).toBe('no-key');
    await hold(agent, 80, 70);
    expect(agent.pi.requests).toContain('set-cpu-quota immich-server.service 100');
    expect(agent.pi.requests).toContain('set-cpu-quota immich-machine-learning.service 100');
    expect(agent.pi.requests.join()).not.toContain('postgresql.service 100');
    expect(agent.pi.immich.calls).toEqual([]);
    const capped = await status(agent, phone);
    expect(capped.immich?.guard).toMatchObject({ state: 'capped', capped: true });
    expect(capped.alerts.map((a) => a.title)).toContain('Pi is hot (80 °C): capped Immich’s CPU');

    await hold(agent, 60, 310);
    expect(agent.pi.requests).toContain('set-cpu-quota immich-server.service off');
    expect(agent.deps.immich.status().guard.capped).toBe(false);
  });

  it('caps when Immich does not answer the pause, and pushes when even the cap fails', async () => {
    const { agent, phone } = await unlockedAgent();
    await hold(agent, 48, 10);
    agent.pi.immich.answers = false;
    agent.pi.answers.set('set-cpu-quota immich-server.service 100', {
      ok: false,
      code: 'command-failed',
      message: 'a system command failed',
    });
    await hold(agent, 82, 70);
    const stuck = await status(agent, phone);
    expect(stuck.immich?.state).toBe('unreachable');
    expect(stuck.alerts.map((a) => a.kind)).toContain('guard-cannot-act');
    expect(stuck.immich?.guard.lastError).toContain('immich-server.service');

    agent.pi.answers.clear();
    await hold(agent, 82, 10);
    const capped = await status(agent, phone);
    expect(capped.immich?.guard.capped).toBe(true);
    expect(capped.alerts.map((a) => a.kind)).not.toContain('guard-cannot-act');
  });

  it('remembers what it paused across a restart, and resumes it after', async () => {
    const { agent } = await unlockedAgent();
    await hold(agent, 79, 70);
    expect(pausedQueues(agent)).toHaveLength(3);
    const again = new ImmichGuardService({
      config: { guard: agent.deps.config.guard, pollSeconds: 30 },
      // biome-ignore lint/suspicious/noExplicitAny: the test reaches the state file the agent was built with
      state: (agent.deps.immich as any).options.state,
      client: agent.pi.immich.client,
      readKey: agent.pi.immich.readKey,
      callHelper: agent.pi.callHelper,
      clock: agent.deps.clock,
      alerts: { condition: () => {} },
      audit: agent.deps.audit,
      log: { info: () => {}, error: () => {} },
    });
    expect(again.status().guard.pausedQueues.sort()).toEqual([
      'smartSearch',
      'thumbnailGeneration',
      'videoConversion',
    ]);
    for (let t = 0; t < 320; t += 10) {
      agent.clock.monoMs += 10_000;
      await again.tick({ temperatureC: 55, throttled: false, driveUp: true });
    }
    expect(pausedQueues(agent)).toEqual([]);
  });

  it('keeps its record over a lock and resumes it after the next unlock, but for what runs already', async () => {
    const { agent, phone } = await unlockedAgent();
    await hold(agent, 79, 70);
    expect(pausedQueues(agent)).toHaveLength(3);
    const lock = await call(agent, phone, 'POST', ROUTES.lock);
    expect(lock.status).toBe(202);
    await agent.deps.driveControl.idle();
    // The Pi cools down while the drive is locked: nothing to resume until Immich is back.
    for (let t = 0; t < 320; t += 10) {
      agent.clock.monoMs += 10_000;
      await agent.deps.immich.tick({ temperatureC: 55, throttled: false, driveUp: false });
    }
    const locked = agent.deps.immich.status();
    expect(locked.state).toBe('locked');
    expect(locked.guard.pausedQueues).toHaveLength(3);
    // Immich lost one pause while stopped (its Redis was reset): nothing to resume there.
    const video = agent.pi.immich.queues.get('videoConversion');
    if (video) video.paused = false;
    const before = agent.pi.immich.calls.length;
    await unlocked(agent, phone);
    await hold(agent, 55, 10);
    expect(pausedQueues(agent)).toEqual([]);
    expect(agent.pi.immich.calls.slice(before).sort()).toEqual([
      'resume smartSearch',
      'resume thumbnailGeneration',
    ]);
    expect(agent.deps.immich.status().guard.state).toBe('idle');
  });
});

describe('the thermal guard after an unlock', () => {
  it('reads Immich as the unlock ends, not at the next sample: no "locked" beside a running drive', async () => {
    const { agent, phone } = await setup();
    expect((await status(agent, phone)).immich?.state).toBe('locked');
    await unlocked(agent, phone);
    // No monitor sample since: the unlock's own end had the queues read.
    await expect
      .poll(async () => (await status(agent, phone)).immich)
      .toMatchObject({ state: 'ok', version: expect.anything() });
  });

  it('takes a pause Immich lost while locked for no person’s resume: still hot, it pauses again', async () => {
    const { agent, phone } = await unlockedAgent();
    await hold(agent, 79, 70);
    await call(agent, phone, 'POST', ROUTES.lock);
    await agent.deps.driveControl.idle();
    await agent.deps.immich.tick({ temperatureC: 79, throttled: false, driveUp: false });
    const video = agent.pi.immich.queues.get('videoConversion');
    if (video) video.paused = false;
    await unlocked(agent, phone);
    await hold(agent, 79, 10);
    expect(pausedQueues(agent)).toHaveLength(3);
    expect(agent.deps.immich.status().guard.state).toBe('paused');
  });
});

describe('POST /immich/jobs and PUT /immich/guard', () => {
  it('let an admin pause and resume the heavy jobs by hand; a resume while hot holds the guard off', async () => {
    const { agent, phone } = await unlockedAgent();
    const paused = await call(agent, phone, 'POST', ROUTES.immichJobs, { action: 'pause' });
    expect(paused.status).toBe(200);
    expect(paused.body.immich.queues.filter((q: { paused: boolean }) => q.paused)).toHaveLength(3);
    // Paused by a person: the guard never resumes them, even after a cool-down.
    await hold(agent, 60, 400);
    expect(pausedQueues(agent)).toHaveLength(3);

    await call(agent, phone, 'POST', ROUTES.immichJobs, { action: 'resume' });
    await hold(agent, 79, 70);
    expect(pausedQueues(agent)).toHaveLength(3);
    const resumed = await call(agent, phone, 'POST', ROUTES.immichJobs, { action: 'resume' });
    expect(resumed.status).toBe(200);
    expect(resumed.body.immich.guard.state).toBe('overridden');
    await hold(agent, 79, 120);
    expect(pausedQueues(agent)).toEqual([]);
    expect(auditKinds(agent)).toContain('immich-jobs-resumed');
  });

  it('refuse a viewer, a bad body, a locked drive and a missing key with stable codes', async () => {
    const { agent, phone } = await setup();
    const viewer = newDevice();
    await pairDevice(agent, viewer, agent.deps.pairing.mint(undefined, 'viewer').code);
    const asViewer = await call(agent, viewer, 'POST', ROUTES.immichJobs, { action: 'pause' });
    expect(asViewer.body.error.code).toBe('role-forbidden');
    const bad = await call(agent, phone, 'POST', ROUTES.immichJobs, { action: 'explode' });
    expect(bad.body.error.code).toBe('validation-failed');
    const locked = await call(agent, phone, 'POST', ROUTES.immichJobs, { action: 'pause' });
    expect([locked.status, locked.body.error.code]).toEqual([503, 'immich-unavailable']);
    await unlocked(agent, phone);
    await hold(agent, 48, 10);
    agent.pi.immich.key = null;
    const noKey = await call(agent, phone, 'POST', ROUTES.immichJobs, { action: 'pause' });
    expect([noKey.status, noKey.body.error.code]).toEqual([409, 'immich-no-key']);
  });

  it('store an admin’s settings, audited, and go back to the config’s', async () => {
    const { agent, phone } = await unlockedAgent();
    const settings = {
      enabled: true,
      pauseC: 70,
      pauseHoldSeconds: 10,
      resumeC: 60,
      resumeHoldSeconds: 60,
    };
    const changed = await call(agent, phone, 'PUT', ROUTES.immichGuard, settings);
    expect(changed.status).toBe(200);
    expect(changed.body.immich.guard).toMatchObject({ settings, settingsFrom: 'app' });
    await hold(agent, 72, 20);
    expect(pausedQueues(agent)).toHaveLength(3);
    expect(auditKinds(agent)).toContain('guard-settings-changed');

    const off = await call(agent, phone, 'PUT', ROUTES.immichGuard, {
      ...settings,
      enabled: false,
    });
    expect(off.body.immich.guard.state).toBe('off');
    expect(pausedQueues(agent)).toEqual([]);

    const wrong = await call(agent, phone, 'PUT', ROUTES.immichGuard, { ...settings, resumeC: 75 });
    expect([wrong.status, wrong.body.error.code]).toEqual([400, 'validation-failed']);
    const reset = await call(agent, phone, 'PUT', ROUTES.immichGuard, { reset: true });
    expect(reset.body.immich.guard).toMatchObject({
      settingsFrom: 'config',
      settings: { pauseC: 75 },
    });
  });
});
