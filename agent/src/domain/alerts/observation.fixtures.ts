// Test support for the alert tests: a calm Pi's monitor sample, changed only where a test says.
import type { Observation } from './engine.ts';

/** calmSample is a running Pi at 50 °C with steady power, no units and `change` applied. */
export function calmSample(mono: number, wall: number, change: Partial<Observation> = {}) {
  return {
    mono,
    wall,
    bootId: 'boot-a',
    temperatureC: 50,
    undervoltage: false,
    disks: [],
    drive: 'running',
    operation: null,
    lastOperation: null,
    units: [],
    ...change,
  } satisfies Observation;
}
