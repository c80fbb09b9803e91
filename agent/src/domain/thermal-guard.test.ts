// The thermal guard on a pinned monotonic clock against a fake Immich: holds, hysteresis, what it
// pauses and resumes, the cap fallback, overrides, restarts and locks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GuardSettings } from '../../../shared/immich.ts';
import {
  EMPTY_GUARD_RECORD,
  type GuardReading,
  type GuardRecord,
  type GuardStep,
  guardStatusPart,
  ThermalGuard,
} from './thermal-guard.ts';

const SETTINGS: GuardSettings = {
  enabled: true,
  pauseC: 75,
  pauseHoldSeconds: 60,
  resumeC: 65,
  resumeHoldSeconds: 300,
};
const HEAVY = ['thumbnailGeneration', 'videoConversion', 'smartSearch', 'ocr'];
// Immich without OCR, and with a queue that is not heavy.
const IMMICH_QUEUES = [
  'thumbnailGeneration',
  'metadataExtraction',
  'videoConversion',
  'smartSearch',
];

type Kind = GuardStep['kind'];
interface Conditions {
  throttled?: boolean | null;
  driveUp?: boolean;
  /** Immich's queues cannot be read. */
  noQueues?: boolean;
  /** These steps fail. */
  fail?: Kind[];
}

/** rig is a guard wired to a fake Immich that keeps who paused each queue, and a pinned clock. */
function rig(record: GuardRecord = EMPTY_GUARD_RECORD, settings = SETTINGS) {
  const immich = { pausedBy: new Map<string, 'guard' | 'person'>(), capped: false };
  const clock = { mono: 1_000_000, wall: 1_700_000_000_000 };
  let guard = new ThermalGuard(settings, HEAVY, record);

  const reading = (temperatureC: number | null, c: Conditions = {}): GuardReading => ({
    mono: clock.mono,
    wall: clock.wall,
    temperatureC,
    throttled: c.throttled ?? null,
    driveUp: c.driveUp ?? true,
    queues: c.noQueues
      ? null
      : IMMICH_QUEUES.map((name) => ({ name, paused: immich.pausedBy.has(name) })),
  });

  const apply = (step: GuardStep, ok: boolean) => {
    if (ok && step.kind === 'pause') {
      for (const name of step.queues) {
        if (immich.pausedBy.has(name)) throw new Error(`${name} was paused already`);
        immich.pausedBy.set(name, 'guard');
      }
    }
    if (ok && step.kind === 'resume') {
      for (const name of step.queues) {
        if (immich.pausedBy.get(name) !== 'guard') throw new Error(`${name} is not the guard's`);
        immich.pausedBy.delete(name);
      }
    }
    if (ok && (step.kind === 'cap' || step.kind === 'uncap')) immich.capped = step.kind === 'cap';
    guard.done(step, ok, clock.wall);
  };

  /** sample is one reading: decide, carry the steps out, tell the outcome. */
  const sample = (temperatureC: number | null, c: Conditions = {}): GuardStep[] => {
    const steps = guard.decide(reading(temperatureC, c));
    for (const step of steps) apply(step, !c.fail?.includes(step.kind));
    return steps;
  };

  /** hold samples every 10 s for `seconds` (the first sample now), then moves the clock on. */
  const hold = (temperatureC: number | null, seconds: number, c: Conditions = {}) => {
    const steps: GuardStep[] = [];
    for (let t = 0; t < seconds; t += 10) {
      steps.push(...sample(temperatureC, c));
      tick(10);
    }
    return steps;
  };

  const tick = (seconds: number) => {
    clock.mono += seconds * 1000;
    clock.wall += seconds * 1000;
  };

  const restart = () => {
    const saved = JSON.parse(JSON.stringify(guard.record)) as GuardRecord;
    guard = new ThermalGuard(settings, HEAVY, saved);
  };

  return {
    immich,
    clock,
    reading,
    sample,
    hold,
    tick,
    restart,
    apply,
    get guard() {
      return guard;
    },
  };
}

const pauseAll = {
  kind: 'pause',
  queues: ['thumbnailGeneration', 'videoConversion', 'smartSearch'],
};
const resumeAll = {
  kind: 'resume',
  queues: ['thumbnailGeneration', 'videoConversion', 'smartSearch'],
};

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

describe('ThermalGuard under any sequence', () => {
  const event = fc.record({
    seconds: fc.oneof(fc.integer({ min: 0, max: 120 }), fc.constant(-300)),
    temperatureC: fc.constantFrom(null, 50, 64.9, 70, 75, 90),
    throttled: fc.constantFrom(null, false, true),
    driveUp: fc.boolean(),
    noQueues: fc.boolean(),
    fail: fc.subarray<Kind>(['pause', 'resume', 'cap', 'uncap']),
    enabled: fc.integer({ min: 0, max: 9 }).map((n) => n > 0),
    person: fc.option(fc.tuple(fc.constantFrom(...IMMICH_QUEUES), fc.boolean())),
  });

  it('answers the same steps twice, never resumes what a person paused, and lets go when cool', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 80 }), (events) => {
        const r = rig(EMPTY_GUARD_RECORD, { ...SETTINGS, pauseHoldSeconds: 30 });
        // Queues whose pause the guard cannot tell from its own until it sees Immich's queues
        // again: one it tried to pause and failed (the pause may have gone through), and one a
        // person resumed unseen (paused again, it looks as if nothing happened). A person leaves
        // those alone; a poll cannot see what happens between two looks.
        const unseen = new Set<string>();
        for (const e of events) {
          r.tick(e.seconds);
          if (e.person) {
            const [name, pause] = e.person;
            if (pause && !r.immich.pausedBy.has(name) && !unseen.has(name)) {
              r.immich.pausedBy.set(name, 'person');
            }
            if (!pause && r.immich.pausedBy.delete(name)) unseen.add(name);
          }
          r.guard.setSettings({ ...SETTINGS, pauseHoldSeconds: 30, enabled: e.enabled });
          const reading = r.reading(e.temperatureC, e);
          const steps = r.guard.decide(reading);
          expect(r.guard.decide(reading)).toEqual(steps);
          if (e.driveUp && !e.noQueues) unseen.clear();
          for (const step of steps) {
            if (step.kind === 'pause') {
              for (const name of step.queues) expect(r.guard.record.paused).not.toContain(name);
            }
            const ok = !e.fail.includes(step.kind);
            if (!ok && step.kind === 'pause') {
              for (const name of step.queues) unseen.add(name);
            }
            // The fake throws for a resume of a queue the guard did not pause.
            r.apply(step, ok);
          }
        }
        r.guard.setSettings(SETTINGS);
        r.hold(50, 400, { throttled: false });
        expect([...r.immich.pausedBy.values()]).not.toContain('guard');
        expect(r.immich.capped).toBe(false);
        expect(r.guard.record).toEqual(EMPTY_GUARD_RECORD);
      }),
      { numRuns: 300 },
    );
  });
});
