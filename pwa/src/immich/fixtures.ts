// Immich states for the PWA's unit tests, built from the wire schema so a contract change shows here.
import * as v from 'valibot';
import {
  type GuardStatus,
  type ImmichQueue,
  ImmichStatus,
  queueLabel,
} from '../../../shared/immich.ts';

/** queue is one queue, idle unless told otherwise; heavy as the guard's default list says. */
export function queue(name: string, parts: Partial<ImmichQueue> = {}): ImmichQueue {
  return {
    name,
    label: queueLabel(name),
    waiting: 0,
    active: 0,
    paused: false,
    heavy: ['thumbnailGeneration', 'videoConversion', 'smartSearch'].includes(name),
    ...parts,
  };
}

/** guard is the guard cool and on, with the agent config's defaults. */
export function guard(parts: Partial<GuardStatus> = {}): GuardStatus {
  return {
    state: 'idle',
    reason: null,
    since: null,
    pausedQueues: [],
    capped: false,
    lastError: null,
    settings: {
      enabled: true,
      pauseC: 75,
      pauseHoldSeconds: 60,
      resumeC: 65,
      resumeHoldSeconds: 300,
    },
    settingsFrom: 'config',
    ...parts,
  };
}

/** immich is Immich answering, checked against the schema the tile checks it with. */
export function immich(parts: Partial<ImmichStatus> = {}): ImmichStatus {
  return v.parse(ImmichStatus, {
    state: 'ok',
    message: '',
    version: 'v1.135.3',
    api: 'queues',
    queues: [queue('thumbnailGeneration'), queue('videoConversion'), queue('smartSearch')],
    guard: guard(),
    checkedAt: 1_764_000_000_000,
    ...parts,
  });
}
