// The thermal guard under any sequence of readings, outcomes and people's pauses and resumes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IMMICH_QUEUES, type Kind, rig, SETTINGS } from './thermal-guard.fixtures.ts';
import { EMPTY_GUARD_RECORD } from './thermal-guard.ts';

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
