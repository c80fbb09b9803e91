import { describe, expect, it } from 'vitest';
import type { Operation, OperationStep } from '../../shared/unlock.ts';
import {
  currentStep,
  describeStep,
  failureOf,
  formatDuration,
  STEP_STATE_WORDS,
  stepTime,
} from './operation.ts';

const step = (more: Partial<OperationStep>): OperationStep => ({
  id: 'open',
  label: 'Opening the drive',
  state: 'pending',
  startedAt: null,
  finishedAt: null,
  ...more,
});

const UNITS = [
  { unit: 'postgresql.service', label: 'Postgres', state: 'active' },
  { unit: 'immich-server.service', label: 'Immich', state: 'failed' },
] as const;

function unlock(more: Partial<Operation>): Operation {
  return {
    id: 'op',
    kind: 'unlock',
    state: 'running',
    startedAt: 1000,
    finishedAt: null,
    steps: [
      step({ state: 'done', startedAt: 1000, finishedAt: 4200 }),
      step({ id: 'start:immich-server.service', label: 'Starting Immich', state: 'running' }),
    ],
    error: null,
    ...more,
  };
}

describe('formatDuration', () => {
  it.each([
    [0, '0.0 s'],
    [400, '0.4 s'],
    [3249, '3.2 s'],
    [9999, '9.9 s'],
    [42_700, '42 s'],
    [120_000, '2 min'],
    [125_400, '2 min 5 s'],
  ])('%s ms is %s', (ms, words) => {
    expect(formatDuration(ms)).toBe(words);
  });
});

describe('stepTime', () => {
  it('answers the time taken, the time so far while running, and nothing before the start', () => {
    expect(stepTime(step({ state: 'done', startedAt: 1000, finishedAt: 4200 }), 99_000)).toBe(
      '3.2 s',
    );
    expect(stepTime(step({ state: 'running', startedAt: 1000 }), 2500)).toBe('1.5 s');
    expect(stepTime(step({ state: 'pending' }), 2500)).toBeNull();
    expect(
      stepTime(step({ state: 'skipped', startedAt: 1000, finishedAt: 1000 }), 2500),
    ).toBeNull();
    expect(describeStep(step({ state: 'done', startedAt: 0, finishedAt: 3200 }), 0)).toBe(
      'Opening the drive · 3.2 s',
    );
    expect(describeStep(step({}), 0)).toBe('Opening the drive');
  });

  it('has words for every step state', () => {
    expect(Object.keys(STEP_STATE_WORDS).sort()).toEqual(
      ['done', 'failed', 'pending', 'running', 'skipped'].sort(),
    );
  });
});

describe('failureOf', () => {
  it('is null until an operation failed', () => {
    expect(failureOf(unlock({}), UNITS)).toBeNull();
    expect(failureOf(unlock({ state: 'succeeded' }), UNITS)).toBeNull();
    expect(currentStep(unlock({}))?.label).toBe('Starting Immich');
  });

  it('names the failed unit as a person calls it, with its log lines', () => {
    const failed = unlock({
      state: 'failed',
      error: {
        code: 'unit-failed',
        message: 'x',
        step: 'start:immich-server.service',
        unit: 'immich-server.service',
        logLines: ['line 1', 'line 2'],
        triesLeft: null,
        retryAfterSeconds: null,
      },
    });
    expect(failureOf(failed, UNITS)).toEqual({
      words: 'Immich failed to start.',
      logLines: ['line 1', 'line 2'],
      isPassphrase: false,
    });
    // Without a status that knows the unit, its systemd name is the best name there is.
    expect(failureOf(failed, [])?.words).toBe('immich-server.service failed to start.');
  });

  it('sends a wrong passphrase back to the field', () => {
    const failed = unlock({
      state: 'failed',
      error: {
        code: 'wrong-passphrase',
        message: 'x',
        step: 'open',
        unit: null,
        logLines: [],
        triesLeft: 4,
        retryAfterSeconds: null,
      },
    });
    expect(failureOf(failed, UNITS)).toMatchObject({
      words: 'Wrong passphrase. 4 tries left before a wait.',
      isPassphrase: true,
    });
  });
});
