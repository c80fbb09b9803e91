// Every transition of the unlock state machine, and the drive state derived from the system.
import { describe, expect, it } from 'vitest';
import { DRIVE_STATES, type DriveState, type UnitStatus } from '../../../shared/status.ts';
import {
  type DriveEvent,
  type DriveFacts,
  decideStart,
  deriveDriveState,
  transition,
} from './drive-machine.ts';
import type { DriveProbe } from './drive-state.ts';

const EVENTS: DriveEvent[] = [
  'unlock',
  'lock',
  'unlock-succeeded',
  'unlock-failed',
  'lock-succeeded',
  'lock-failed',
];

// Every allowed move; everything else must be refused.
const ALLOWED: Array<[DriveState, DriveEvent, DriveState]> = [
  ['locked', 'unlock', 'unlocking'],
  ['unlocking', 'unlock-succeeded', 'running'],
  ['unlocking', 'unlock-failed', 'failed'],
  ['running', 'lock', 'locking'],
  ['locking', 'lock-succeeded', 'locked'],
  ['locking', 'lock-failed', 'failed'],
  ['degraded', 'unlock', 'unlocking'],
  ['degraded', 'lock', 'locking'],
  ['failed', 'unlock', 'unlocking'],
  ['failed', 'lock', 'locking'],
  ['missing', 'lock', 'locking'],
];

describe('transition', () => {
  it.each(ALLOWED)('%s --%s--> %s', (from, event, to) => {
    expect(transition(from, event)).toEqual({ ok: true, state: to });
  });

  it('refuses every other pair', () => {
    for (const from of DRIVE_STATES) {
      for (const event of EVENTS) {
        if (ALLOWED.some(([f, e]) => f === from && e === event)) continue;
        expect(transition(from, event).ok, `${from} --${event}-->`).toBe(false);
      }
    }
  });

  it.each<[DriveState, DriveEvent, string]>([
    ['running', 'unlock', 'already-unlocked'],
    ['missing', 'unlock', 'drive-missing'],
    ['locking', 'unlock', 'operation-in-progress'],
    ['locked', 'lock', 'already-locked'],
    ['unlocking', 'lock', 'operation-in-progress'],
  ])('refuses %s --%s--> with %s', (from, event, code) => {
    expect(transition(from, event)).toEqual({ ok: false, code });
  });
});

describe('decideStart', () => {
  it('joins an operation of the same kind and refuses the other kind', () => {
    expect(decideStart('unlock', 'unlocking')).toEqual({ action: 'join' });
    expect(decideStart('lock', 'locking')).toEqual({ action: 'join' });
    expect(decideStart('unlock', 'locking')).toEqual({
      action: 'refuse',
      code: 'operation-in-progress',
    });
    expect(decideStart('lock', 'unlocking')).toEqual({
      action: 'refuse',
      code: 'operation-in-progress',
    });
  });

  it('starts from the states the machine allows', () => {
    expect(decideStart('unlock', 'locked')).toEqual({ action: 'start' });
    expect(decideStart('unlock', 'failed')).toEqual({ action: 'start' });
    expect(decideStart('lock', 'running')).toEqual({ action: 'start' });
    expect(decideStart('lock', 'missing')).toEqual({ action: 'start' });
    expect(decideStart('unlock', 'running')).toEqual({
      action: 'refuse',
      code: 'already-unlocked',
    });
  });
});

const closed: DriveProbe = {
  devicePresent: true,
  mapperOpen: false,
  slavesPresent: false,
  mounted: false,
  readOnly: false,
};
const open: DriveProbe = { ...closed, mapperOpen: true, slavesPresent: true, mounted: true };
const units = (...states: UnitStatus['state'][]) => states.map((state) => ({ state }));
const allActive = units('active', 'active', 'active');
const allInactive = units('inactive', 'inactive', 'inactive');

describe('deriveDriveState', () => {
  it.each<[string, DriveFacts, DriveState]>([
    ['closed, services down', { probe: closed, units: allInactive, operation: null }, 'locked'],
    ['open, mounted, all active', { probe: open, units: allActive, operation: null }, 'running'],
    [
      'open, mounted, one service failed, nothing recorded (a restart)',
      { probe: open, units: units('active', 'failed', 'active'), operation: null },
      'degraded',
    ],
    [
      'open but not mounted',
      { probe: { ...open, mounted: false }, units: allInactive, operation: null },
      'degraded',
    ],
    [
      'closed but a service still up',
      { probe: closed, units: units('active', 'inactive', 'inactive'), operation: null },
      'degraded',
    ],
    [
      'no drive',
      { probe: { ...closed, devicePresent: false }, units: allInactive, operation: null },
      'missing',
    ],
    [
      'mapping left behind by a USB drop, services up',
      {
        probe: { ...open, devicePresent: false, slavesPresent: false },
        units: allActive,
        operation: null,
      },
      'missing',
    ],
    [
      'an unlock running',
      { probe: closed, units: allInactive, operation: { kind: 'unlock', state: 'running' } },
      'unlocking',
    ],
    [
      'a lock running',
      { probe: open, units: allActive, operation: { kind: 'lock', state: 'running' } },
      'locking',
    ],
    [
      'a wrong passphrase leaves it locked',
      { probe: closed, units: allInactive, operation: { kind: 'unlock', state: 'failed' } },
      'locked',
    ],
    [
      'an unlock that failed half-way',
      {
        probe: open,
        units: units('active', 'failed', 'inactive'),
        operation: { kind: 'unlock', state: 'failed' },
      },
      'failed',
    ],
    [
      'an unlock that failed waiting for Immich, services all active',
      { probe: open, units: allActive, operation: { kind: 'unlock', state: 'failed' } },
      'failed',
    ],
    [
      'a lock that could not stop a service',
      {
        probe: open,
        units: units('active', 'inactive', 'inactive'),
        operation: { kind: 'lock', state: 'failed' },
      },
      'failed',
    ],
    [
      'a unit crashed after a good unlock',
      {
        probe: open,
        units: units('active', 'failed', 'active'),
        operation: { kind: 'unlock', state: 'succeeded' },
      },
      'degraded',
    ],
    ['no services configured', { probe: open, units: [], operation: null }, 'running'],
  ])('%s → %s', (_, facts, state) => {
    expect(deriveDriveState(facts)).toBe(state);
  });
});
