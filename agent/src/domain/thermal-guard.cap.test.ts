// The thermal guard when it cannot pause: the CPU cap without Immich's queues or after a failed
// pause, retries, and a failed resume that keeps the record.
import { describe, expect, it } from 'vitest';
import { pauseAll, resumeAll, rig } from './thermal-guard.fixtures.ts';
import { EMPTY_GUARD_RECORD } from './thermal-guard.ts';
import { guardStatusPart } from './thermal-guard-status.ts';

describe('ThermalGuard when it cannot pause', () => {
  it('caps without Immich queues, pauses once they read, then lifts the cap', () => {
    const r = rig();
    r.hold(80, 60, { noQueues: true });
    expect(r.sample(80, { noQueues: true })).toEqual([{ kind: 'cap' }]);
    expect(guardStatusPart(r.guard.record, true)).toMatchObject({ state: 'capped', capped: true });
    r.tick(10);
    expect(r.sample(80)).toEqual([pauseAll]);
    r.tick(10);
    expect(r.sample(80)).toEqual([{ kind: 'uncap' }]);
    expect(guardStatusPart(r.guard.record, true)).toMatchObject({
      state: 'paused',
      reason: 'hot',
      pausedQueues: pauseAll.queues,
      capped: false,
    });
  });

  it('caps after a failed pause and retries the pause', () => {
    const r = rig();
    r.hold(80, 60);
    expect(r.sample(80, { fail: ['pause'] })).toEqual([pauseAll]);
    expect(r.guard.record.paused).toEqual([]);
    r.tick(10);
    expect(r.sample(80, { fail: ['pause'] })).toEqual([{ kind: 'cap' }, pauseAll]);
    r.tick(10);
    expect(r.sample(80)).toEqual([pauseAll]);
    r.tick(10);
    expect(r.sample(80)).toEqual([{ kind: 'uncap' }]);
    expect(r.guard.record).toMatchObject({ paused: pauseAll.queues, capped: false });
  });

  it('asks for a failed cap again, and a failed resume keeps the record', () => {
    const r = rig();
    r.hold(80, 60, { noQueues: true, fail: ['cap'] });
    expect(r.sample(80, { noQueues: true, fail: ['cap'] })).toEqual([{ kind: 'cap' }]);
    expect(r.immich.capped).toBe(false);
    r.tick(10);
    expect(r.sample(80, { noQueues: true })).toEqual([{ kind: 'cap' }]);
    expect(r.immich.capped).toBe(true);
    r.tick(10);
    expect(r.sample(80)).toEqual([pauseAll]);
    r.hold(60, 300);
    expect(r.sample(60, { fail: ['resume'] })).toEqual([resumeAll]);
    expect(r.guard.record.paused).toEqual(pauseAll.queues);
    expect(r.sample(60, { noQueues: true })).toEqual([]);
    expect(r.sample(60)).toEqual([resumeAll]);
    expect(r.guard.record).toEqual(EMPTY_GUARD_RECORD);
    expect(guardStatusPart(r.guard.record, true)).toEqual({
      state: 'idle',
      reason: null,
      since: null,
      pausedQueues: [],
      capped: false,
    });
  });
});
