import { describe, expect, it } from 'vitest';
import { ApiError, OfflineError } from '../api/errors.ts';
import { ERROR_WORDS } from '../errors.ts';
import { guard } from './fixtures.ts';
import { formOf, type GuardForm, readGuardForm, saveErrorWords } from './guard-form.ts';

const typed = (parts: Partial<GuardForm> = {}): GuardForm => ({
  enabled: true,
  pauseC: '75',
  pauseHoldMinutes: '1',
  resumeC: '65',
  resumeHoldMinutes: '5',
  ...parts,
});

describe('formOf', () => {
  it('fills the form from the settings, holds in minutes', () => {
    expect(formOf(guard().settings)).toEqual(typed());
    expect(
      formOf({ ...guard().settings, pauseHoldSeconds: 45, resumeHoldSeconds: 90 }),
    ).toMatchObject({ pauseHoldMinutes: '0.75', resumeHoldMinutes: '1.5' });
  });
});

describe('readGuardForm', () => {
  it('answers the settings to send, holds in seconds, a comma read as a decimal point', () => {
    expect(
      readGuardForm(typed({ pauseC: '72,5', resumeHoldMinutes: '2.5', enabled: false })),
    ).toEqual({
      ok: true,
      settings: {
        enabled: false,
        pauseC: 72.5,
        pauseHoldSeconds: 60,
        resumeC: 65,
        resumeHoldSeconds: 150,
      },
    });
  });

  it('round-trips what the Pi sent', () => {
    const settings = { ...guard().settings, pauseHoldSeconds: 45, resumeHoldSeconds: 0 };
    expect(readGuardForm(formOf(settings))).toEqual({ ok: true, settings });
  });

  it('refuses a resume temperature at or above the pause one, and says why', () => {
    for (const resumeC of ['75', '80']) {
      const reading = readGuardForm(typed({ resumeC }));
      expect(reading).toMatchObject({ ok: false, field: 'resumeC' });
      if (!reading.ok) expect(reading.problem).toMatch(/must be lower than Pause at \(75 °C\)/);
    }
  });

  it('points at the field that is not a temperature or out of range', () => {
    expect(readGuardForm(typed({ pauseC: '' }))).toMatchObject({ ok: false, field: 'pauseC' });
    expect(readGuardForm(typed({ pauseC: 'hot' }))).toMatchObject({ ok: false, field: 'pauseC' });
    expect(readGuardForm(typed({ pauseC: '120' }))).toMatchObject({ ok: false, field: 'pauseC' });
    expect(readGuardForm(typed({ resumeC: '20' }))).toMatchObject({ ok: false, field: 'resumeC' });
    expect(readGuardForm(typed({ resumeC: '-5' }))).toMatchObject({ ok: false, field: 'resumeC' });
  });

  it('refuses holds that are not minutes from 0 to a day', () => {
    expect(readGuardForm(typed({ pauseHoldMinutes: '1441' }))).toMatchObject({
      ok: false,
      field: 'pauseHoldMinutes',
    });
    expect(readGuardForm(typed({ resumeHoldMinutes: '-1' }))).toMatchObject({
      ok: false,
      field: 'resumeHoldMinutes',
    });
    expect(
      readGuardForm(typed({ pauseHoldMinutes: '0', resumeHoldMinutes: '1440' })),
    ).toMatchObject({ ok: true, settings: { pauseHoldSeconds: 0, resumeHoldSeconds: 86_400 } });
  });
});

describe('saveErrorWords', () => {
  it('adds the agent’s own words to a refusal of the settings, and the code', () => {
    const refused = ApiError.fromAgent('validation-failed', 400, 'resumeC must be below pauseC');
    expect(saveErrorWords(refused)).toBe(
      `${ERROR_WORDS['validation-failed']} resumeC must be below pauseC. (validation-failed)`,
    );
  });

  it('names the code of other refusals, and says an unreachable Pi plainly', () => {
    const viewer = ApiError.fromAgent('role-forbidden', 403, 'admins only');
    expect(saveErrorWords(viewer)).toBe(`${ERROR_WORDS['role-forbidden']} (role-forbidden)`);
    // A code of a newer agent: its message is all the app can say.
    expect(saveErrorWords(ApiError.fromAgent('guard-busy', 409, 'The guard is busy.'))).toBe(
      'The guard is busy.',
    );
    expect(saveErrorWords(new OfflineError('down'))).toMatch(/can’t be reached/);
  });
});
