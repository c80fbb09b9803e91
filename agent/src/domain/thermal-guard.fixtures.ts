// Test support for the thermal guard's tests: a guard wired to a fake Immich that keeps who
// paused each queue, on a pinned clock.
import type { GuardSettings } from '../../../shared/immich.ts';
import {
  EMPTY_GUARD_RECORD,
  type GuardReading,
  type GuardRecord,
  type GuardStep,
  ThermalGuard,
} from './thermal-guard.ts';

export const SETTINGS: GuardSettings = {
  enabled: true,
  pauseC: 75,
  pauseHoldSeconds: 60,
  resumeC: 65,
  resumeHoldSeconds: 300,
};
export const HEAVY = ['thumbnailGeneration', 'videoConversion', 'smartSearch', 'ocr'];
// Immich without OCR, and with a queue that is not heavy.
export const IMMICH_QUEUES = [
  'thumbnailGeneration',
  'metadataExtraction',
  'videoConversion',
  'smartSearch',
];

export type Kind = GuardStep['kind'];
export interface Conditions {
  throttled?: boolean | null;
  driveUp?: boolean;
  /** Immich's queues cannot be read. */
  noQueues?: boolean;
  /** These steps fail. */
  fail?: Kind[];
}

/** rig is a guard wired to a fake Immich that keeps who paused each queue, and a pinned clock. */
export function rig(record: GuardRecord = EMPTY_GUARD_RECORD, settings = SETTINGS) {
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

export const pauseAll: GuardStep & { kind: 'pause' } = {
  kind: 'pause',
  queues: ['thumbnailGeneration', 'videoConversion', 'smartSearch'],
};
export const resumeAll: GuardStep & { kind: 'resume' } = {
  kind: 'resume',
  queues: ['thumbnailGeneration', 'videoConversion', 'smartSearch'],
};
