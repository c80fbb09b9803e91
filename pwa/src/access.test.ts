import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../shared/api.ts';
import type { Role } from '../../shared/roles.ts';
import { AppStatusResponse, type DriveState } from '../../shared/status.ts';
import { accessOf, askToUnlock, driveAction } from './access.ts';

const ME = 'my-key-id';

/** statusWith is a status as the agent sends it, for this device in this role. */
function statusWith(
  drive: DriveState,
  access?: { role: Role; adminNames: string[] },
  operation: AppStatusResponse['operation'] = null,
): AppStatusResponse {
  return v.parse(AppStatusResponse, {
    time: 0,
    sampledAt: 0,
    bootId: 'boot',
    uptimeSeconds: null,
    drive: { state: drive },
    temperatureC: null,
    undervoltage: null,
    disks: [],
    warnings: [],
    units: [],
    operation,
    unlock: { triesLeft: 5, retryAfterSeconds: null },
    ...(access && { access }),
  });
}

const viewer = (drive: DriveState, operation: AppStatusResponse['operation'] = null) => {
  const status = statusWith(drive, { role: 'viewer', adminNames: ['Anna’s phone'] }, operation);
  return { status, access: accessOf(status, ME) };
};
const admin = (drive: DriveState, operation: AppStatusResponse['operation'] = null) => {
  const status = statusWith(drive, { role: 'admin', adminNames: ['Anna’s phone'] }, operation);
  return { status, access: accessOf(status, ME) };
};

describe('askToUnlock', () => {
  it.each([
    [[], 'Ask an admin to unlock'],
    [['Anna’s phone'], 'Ask Anna’s phone to unlock'],
    [['Anna’s phone', 'Tom’s laptop'], 'Ask Anna’s phone or Tom’s laptop to unlock'],
    [['A', 'B', 'C'], 'Ask A, B or C to unlock'],
    [['  ', 'Tom’s laptop '], 'Ask Tom’s laptop to unlock'],
  ])('%j → "%s"', (names, words) => {
    expect(askToUnlock(names)).toBe(words);
  });
});

describe('accessOf', () => {
  it('takes the role and the admins from the status', () => {
    const { access } = viewer('locked');
    expect(access.role).toBe('viewer');
    expect(access.adminNames).toEqual(['Anna’s phone']);
  });

  it('counts a status without access (an older agent or app) as an admin’s, as those were', () => {
    const status = statusWith('locked');
    delete (status as Partial<AppStatusResponse>).access;
    expect(accessOf(status, ME).role).toBe('admin');
    expect(accessOf(undefined, undefined).role).toBe('admin');
  });

  it('lets a viewer manage itself, read the Pi, and nothing that changes it', () => {
    const { access } = viewer('running');
    expect(access.may('GET', ROUTES.status)).toBe(true);
    expect(access.may('GET', ROUTES.devices)).toBe(true);
    expect(access.may('PATCH', ROUTES.device(ME))).toBe(true);
    expect(access.may('DELETE', ROUTES.device(ME))).toBe(true);
    expect(access.may('PATCH', ROUTES.device('someone-else'))).toBe(false);
    expect(access.may('DELETE', ROUTES.device('someone-else'))).toBe(false);
    expect(access.may('POST', ROUTES.pairingCodes)).toBe(false);
    expect(access.may('POST', ROUTES.backups)).toBe(false);
    expect(access.may('GET', ROUTES.audit)).toBe(false);
  });

  it('lets an admin do everything', () => {
    const { access } = admin('running');
    for (const [method, path] of [
      ['POST', ROUTES.unlock],
      ['POST', ROUTES.lock],
      ['POST', ROUTES.backups],
      ['GET', ROUTES.audit],
      ['DELETE', ROUTES.device('someone-else')],
    ] as const)
      expect(access.may(method, path)).toBe(true);
  });
});

describe('driveAction', () => {
  it.each(['locked', 'failed', 'degraded'] as const)(
    'offers an admin Unlock and tells a viewer whom to ask when %s',
    (drive) => {
      expect(driveAction(admin(drive).status, admin(drive).access)).toBe('unlock');
      expect(driveAction(viewer(drive).status, viewer(drive).access)).toBe('ask');
    },
  );

  it('offers an admin Lock when running, and a viewer nothing', () => {
    expect(driveAction(admin('running').status, admin('running').access)).toBe('lock');
    expect(driveAction(viewer('running').status, viewer('running').access)).toBeNull();
  });

  it('shows an admin the progress of an operation, and a viewer none (operations are admin only)', () => {
    const operation = { id: 'op-1', kind: 'unlock' } as const;
    const a = admin('unlocking', operation);
    const w = viewer('unlocking', operation);
    expect(driveAction(a.status, a.access)).toBe('progress');
    expect(driveAction(w.status, w.access)).toBeNull();
  });

  it.each(['missing', 'unlocking', 'locking'] as const)('offers nothing when %s', (drive) => {
    expect(driveAction(admin(drive).status, admin(drive).access)).toBeNull();
    expect(driveAction(viewer(drive).status, viewer(drive).access)).toBeNull();
  });
});
