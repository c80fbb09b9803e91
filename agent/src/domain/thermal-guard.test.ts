// The thermal guard on a pinned monotonic clock against a fake Immich: holds, hysteresis, what it
// pauses and resumes, the cap fallback, overrides, restarts and locks.
import { describe, expect, it } from 'vitest';
import { pauseAll, resumeAll, rig, SETTINGS } from './thermal-guard.fixtures.ts';
import { EMPTY_GUARD_RECORD, type GuardStep } from './thermal-guard.ts';
import { guardStatusPart } from './thermal-guard-status.ts';

describe('ThermalGuard holds', () => {
  it('pauses the heavy queues Immich has once 75 °C held 60 s, not a moment before', () => {
    const r = rig();
    // Samples at 0, 10, ..., 50 s: just under the hold.
    expect(r.hold(75, 60)).toEqual([]);
    r.tick(-10);
    r.tick(9.999);
    expect(r.sample(75)).toEqual([]);
    r.tick(0.001);
    expect(r.sample(75)).toEqual([pauseAll]);
    expect(r.guard.hot).toBe(true);
    expect(r.guard.record).toEqual({
      paused: pauseAll.queues,
      capped: false,
      since: r.clock.wall,
      reason: 'hot',
      overridden: false,
    });
    expect(r.immich.pausedBy.has('metadataExtraction')).toBe(false);
  });

  it('starts the high hold again after a dip into the band', () => {
    const r = rig();
    r.hold(80, 50);
    r.hold(74.9, 10);
    expect(r.hold(80, 60)).toEqual([]);
    expect(r.sample(80)).toEqual([pauseAll]);
  });

  it('pauses on the first sample with a hold of 0', () => {
    const r = rig(EMPTY_GUARD_RECORD, { ...SETTINGS, pauseHoldSeconds: 0 });
    expect(r.sample(74.9)).toEqual([]);
    expect(r.sample(75)).toEqual([pauseAll]);
  });

  it('keeps the state in the band between resumeC and pauseC (hysteresis)', () => {
    const r = rig();
    expect(r.hold(74, 3600)).toEqual([]);
    expect(r.guard.hot).toBe(false);
    r.hold(80, 70);
    expect(r.guard.hot).toBe(true);
    // 65 is not below resumeC: an hour there resumes nothing.
    expect(r.hold(70, 1800)).toEqual([]);
    expect(r.hold(65, 1800)).toEqual([]);
    expect(r.guard.hot).toBe(true);
  });

  it('resumes once below resumeC held 300 s, and starts that hold again after a rise', () => {
    const r = rig();
    r.hold(80, 70);
    expect(r.hold(64.9, 290)).toEqual([]);
    r.hold(66, 10);
    expect(r.hold(60, 300)).toEqual([]);
    expect(r.sample(60)).toEqual([resumeAll]);
    expect(r.guard.hot).toBe(false);
    expect(r.guard.record).toEqual(EMPTY_GUARD_RECORD);
    expect(r.immich.pausedBy.size).toBe(0);
  });

  it('is hot at once when the SoC throttles, and cools only once it stops', () => {
    const r = rig();
    expect(r.sample(50, { throttled: true })).toEqual([pauseAll]);
    expect(r.guard.record.reason).toBe('throttled');
    expect(r.hold(50, 1800, { throttled: true })).toEqual([]);
    expect(r.hold(50, 300, { throttled: false })).toEqual([]);
    expect(r.sample(50, { throttled: false })).toEqual([resumeAll]);
  });

  it('keeps the state through an unreadable temperature, and starts the holds again', () => {
    const r = rig();
    expect(r.hold(null, 3600)).toEqual([]);
    r.hold(80, 50);
    r.sample(null);
    r.tick(10);
    expect(r.hold(80, 60)).toEqual([]);
    expect(r.sample(80)).toEqual([pauseAll]);
    // Hot now: an hour unreadable resumes nothing.
    expect(r.hold(null, 3600)).toEqual([]);
    expect(r.guard.hot).toBe(true);
    r.hold(60, 290);
    r.sample(null);
    expect(r.hold(60, 300)).toEqual([]);
    expect(r.sample(60)).toEqual([resumeAll]);
  });

  it('starts the holds again when the monotonic clock goes back', () => {
    const r = rig();
    r.hold(80, 50);
    r.clock.mono -= 500_000;
    // 50 s before the jump and 50 s after it do not make a 60 s hold.
    expect(r.hold(80, 60)).toEqual([]);
    expect(r.sample(80)).toEqual([pauseAll]);
  });

  it('keeps its holds when only turned off and on again', () => {
    const r = rig();
    r.hold(80, 50);
    r.guard.setSettings({ ...SETTINGS, enabled: false });
    r.hold(80, 10);
    r.guard.setSettings(SETTINGS);
    expect(r.sample(80)).toEqual([pauseAll]);
  });

  it('takes new thresholds from setSettings', () => {
    const r = rig();
    r.guard.setSettings({ ...SETTINGS, pauseC: 70, resumeC: 60 });
    r.hold(71, 60);
    expect(r.sample(71)).toEqual([pauseAll]);
    expect(r.hold(62, 600)).toEqual([]);
  });
});

describe('ThermalGuard and what people do', () => {
  it('never records, nor resumes, a queue a person paused', () => {
    const r = rig();
    r.immich.pausedBy.set('smartSearch', 'person');
    r.hold(80, 60);
    expect(r.sample(80)).toEqual([
      { kind: 'pause', queues: ['thumbnailGeneration', 'videoConversion'] },
    ]);
    expect(r.guard.record.paused).toEqual(['thumbnailGeneration', 'videoConversion']);
    r.hold(60, 300);
    expect(r.sample(60)).toEqual([
      { kind: 'resume', queues: ['thumbnailGeneration', 'videoConversion'] },
    ]);
    expect([...r.immich.pausedBy]).toEqual([['smartSearch', 'person']]);
  });

  it('holds off when a person resumes a queue it paused while hot, until a cool-down', () => {
    const r = rig();
    r.hold(80, 70);
    r.tick(5);
    r.immich.pausedBy.delete('thumbnailGeneration');
    expect(r.sample(80)).toEqual([]);
    expect(r.guard.record).toMatchObject({
      paused: ['videoConversion', 'smartSearch'],
      overridden: true,
      since: r.clock.wall,
    });
    expect(guardStatusPart(r.guard.record, true).state).toBe('overridden');
    // No pause again while hot, and the queues still held wait for the cool-down.
    expect(r.hold(85, 3600)).toEqual([]);
    r.hold(60, 300);
    expect(r.sample(60)).toEqual([{ kind: 'resume', queues: ['videoConversion', 'smartSearch'] }]);
    expect(r.guard.record).toEqual(EMPTY_GUARD_RECORD);
    // The cool-down cleared the override: the next heat pauses again.
    r.hold(80, 60);
    expect(r.sample(80)).toEqual([pauseAll]);
  });

  it('holds off after overridden() (a resume from the app) and lifts its cap', () => {
    const r = rig();
    r.hold(80, 70, { noQueues: true });
    expect(r.immich.capped).toBe(true);
    r.guard.overridden(r.clock.wall);
    expect(r.guard.record).toMatchObject({ paused: [], overridden: true, since: r.clock.wall });
    expect(r.sample(80)).toEqual([{ kind: 'uncap' }]);
    expect(r.hold(80, 600)).toEqual([]);
    r.hold(60, 310);
    expect(r.guard.record).toEqual(EMPTY_GUARD_RECORD);
  });

  it('takes as its own a queue a failed pause paused all the same, and resumes it', () => {
    const r = rig();
    r.hold(80, 60);
    // The pause reached Immich but its answer was lost.
    const [step] = r.guard.decide(r.reading(80));
    expect(step).toEqual(pauseAll);
    for (const name of pauseAll.queues) r.immich.pausedBy.set(name, 'guard');
    r.guard.done(pauseAll as GuardStep, false, r.clock.wall);
    r.tick(10);
    expect(r.guard.decide(r.reading(80))).toEqual([]);
    expect(r.guard.record.paused).toEqual(pauseAll.queues);
    r.hold(60, 300);
    expect(r.sample(60)).toEqual([resumeAll]);
  });
});

describe('ThermalGuard across restarts, settings and locks', () => {
  it('continues from a saved record: no early resume, then exactly what it paused', () => {
    const r = rig();
    r.immich.pausedBy.set('smartSearch', 'person');
    r.hold(80, 70);
    r.restart();
    expect(r.guard.hot).toBe(true);
    expect(r.hold(80, 600)).toEqual([]);
    expect(r.hold(70, 600)).toEqual([]);
    r.restart();
    expect(r.hold(60, 300)).toEqual([]);
    expect(r.sample(60)).toEqual([
      { kind: 'resume', queues: ['thumbnailGeneration', 'videoConversion'] },
    ]);
    expect([...r.immich.pausedBy]).toEqual([['smartSearch', 'person']]);
  });

  it('lifts a cap it finds in the record once cool', () => {
    const r = rig({ ...EMPTY_GUARD_RECORD, capped: true, since: 5, reason: 'hot' });
    r.immich.capped = true;
    expect(r.hold(60, 300, { noQueues: true })).toEqual([]);
    expect(r.sample(60, { noQueues: true })).toEqual([{ kind: 'uncap' }]);
    expect(r.immich.capped).toBe(false);
  });

  it('resumes and uncaps when turned off, even hot, and acts again when turned on', () => {
    const r = rig();
    r.hold(80, 80, { fail: ['pause'] });
    expect(r.immich.capped).toBe(true);
    expect(r.sample(80)).toEqual([pauseAll]);
    r.guard.setSettings({ ...SETTINGS, enabled: false });
    expect(guardStatusPart(r.guard.record, false).state).toBe('off');
    expect(r.sample(80)).toEqual([{ kind: 'uncap' }, resumeAll]);
    expect(r.hold(90, 600)).toEqual([]);
    r.guard.setSettings(SETTINGS);
    expect(r.sample(90)).toEqual([pauseAll]);
  });

  it('does nothing but lift its cap while the drive is down', () => {
    const r = rig();
    r.hold(80, 60, { driveUp: false });
    expect(r.hold(80, 600, { driveUp: false })).toEqual([]);
    r.hold(80, 10, { noQueues: true });
    expect(r.immich.capped).toBe(true);
    expect(r.sample(80, { driveUp: false })).toEqual([{ kind: 'uncap' }]);
    r.sample(80);
    expect(r.guard.record.paused).toEqual(pauseAll.queues);
    // Cool with the drive down: the record waits for the drive.
    expect(r.hold(60, 600, { driveUp: false })).toEqual([]);
    expect(r.guard.record.paused).toEqual(pauseAll.queues);
    expect(r.sample(60)).toEqual([resumeAll]);
  });

  it('forgets its queues at a lock but still lifts its cap', () => {
    const r = rig();
    r.hold(80, 70, { noQueues: true, fail: [] });
    r.sample(80);
    r.guard.forget();
    expect(r.guard.record).toMatchObject({ paused: [], capped: true });
    expect(r.sample(80, { driveUp: false })).toEqual([{ kind: 'uncap' }]);
    expect(r.guard.record).toEqual(EMPTY_GUARD_RECORD);
    // Cooled while locked; after the unlock Immich's queues run and nothing is resumed.
    r.immich.pausedBy.clear();
    r.hold(60, 310, { driveUp: false });
    expect(r.sample(60)).toEqual([]);
    expect(r.guard.record).toEqual(EMPTY_GUARD_RECORD);
  });
});
