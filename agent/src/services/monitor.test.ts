// The monitor's samples against real unlocks and locks on a FakePi: a lock that falls between two
// samples is not a drive that vanished, a drive pulled while unlocked still is.
import { describe, expect, it, vi } from 'vitest';
import { ROUTES } from '../../../shared/api.ts';
import type { Agent } from '../app.fixtures.ts';
import { call, setup, unlocked } from '../routes/unlock.fixtures.ts';
import { startMonitor } from './monitor.ts';
import { type CachedSystem, cacheSystem, type SystemSnapshot } from './status.ts';

/**
 * monitorOf builds the agent's monitor without its timer (the test takes each sample); `stale`,
 * when set, is the snapshot the next sample gets, as a status read in flight would give it.
 */
function monitorOf(agent: Agent) {
  const real = cacheSystem({ sample: async () => agent.pi.sample() }, agent.deps.clock);
  let stale: SystemSnapshot | null = null;
  const system: CachedSystem = {
    latest: async (maxAge) => {
      const given = stale;
      stale = null;
      return given ?? real.latest(maxAge);
    },
    invalidate: () => real.invalidate(),
  };
  const monitor = startMonitor({
    intervalMs: 10_000,
    system,
    drive: agent.deps.driveControl,
    clock: agent.deps.clock,
    history: agent.push.history,
    alerts: agent.alerts,
    backups: agent.backup.service,
    recovery: agent.recovery.service,
    guard: agent.deps.immich,
    log: { info: () => {}, error: () => {} },
  });
  monitor.stop();
  return {
    sample: async () => {
      agent.clock.monoMs += 10_000;
      agent.clock.wallMs += 10_000;
      real.invalidate();
      await monitor.sampleOnce();
    },
    snapshot: () => real.latest(0),
    giveNext: (snapshot: SystemSnapshot) => {
      stale = snapshot;
    },
  };
}

const driveGone = (agent: Agent) => ({
  active: agent.alerts.active().filter((a) => a.kind === 'drive-gone'),
  history: agent.alerts.history().filter((a) => a.kind === 'drive-gone'),
});

describe('monitor and drive-gone', () => {
  it('raises nothing for a lock that started and ended between two samples', async () => {
    const { agent, phone } = await setup();
    await unlocked(agent, phone);
    const m = monitorOf(agent);
    await m.sample();
    expect((await call(agent, phone, 'POST', ROUTES.lock)).status).toBe(202);
    await agent.deps.driveControl.idle();
    await m.sample();
    agent.pi.devicePresent = false; // unplugged once locked: nothing to say either
    await m.sample();
    expect(driveGone(agent)).toEqual({ active: [], history: [] });
  });

  it('is not re-armed by a sample whose probe was taken before the lock ended', async () => {
    const { agent, phone } = await setup();
    await unlocked(agent, phone);
    const m = monitorOf(agent);
    await m.sample();
    const release = agent.pi.hold('stop mnt-immich_drive.mount');
    await call(agent, phone, 'POST', ROUTES.lock);
    await vi.waitFor(() => expect(agent.pi.requests).toContain('stop mnt-immich_drive.mount'));
    const midLock = await m.snapshot(); // services stopped, the drive still mapped and mounted
    release();
    await agent.deps.driveControl.idle();
    m.giveNext(midLock);
    await m.sample();
    await m.sample();
    expect(driveGone(agent)).toEqual({ active: [], history: [] });
  });

  it('still raises drive-gone for a drive pulled while unlocked', async () => {
    const { agent, phone } = await setup();
    await unlocked(agent, phone);
    const m = monitorOf(agent);
    await m.sample();
    agent.pi.devicePresent = false; // the mapping and mount stay behind, its device is gone
    await m.sample();
    expect(driveGone(agent).active).toMatchObject([{ id: 'drive-gone', critical: true }]);
  });

  it('takes down a raised drive-gone as soon as the lock that cleans up starts', async () => {
    const { agent, phone } = await setup();
    await unlocked(agent, phone);
    const m = monitorOf(agent);
    await m.sample();
    agent.pi.devicePresent = false;
    await m.sample();
    const release = agent.pi.hold('close');
    expect((await call(agent, phone, 'POST', ROUTES.lock)).status).toBe(202);
    expect(driveGone(agent).active).toEqual([]); // no sample since the lock started
    release();
    await agent.deps.driveControl.idle();
    await m.sample();
    expect(driveGone(agent).active).toEqual([]);
    expect(driveGone(agent).history).toMatchObject([{ state: 'resolved' }]);
  });
});
