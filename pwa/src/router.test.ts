import { describe, expect, it } from 'vitest';
import { runIdOf, runPath, screenFor, toAppPath } from './router.ts';

describe('router', () => {
  it('maps locations to screens, anything unknown to Home', () => {
    expect(toAppPath('/devices')).toBe('/devices');
    expect(toAppPath('/devices/')).toBe('/devices');
    expect(toAppPath('/unlock')).toBe('/unlock');
    expect(toAppPath('/lock/')).toBe('/lock');
    expect(toAppPath('/alerts')).toBe('/alerts');
    expect(toAppPath('/settings/')).toBe('/settings');
    expect(toAppPath('/backups')).toBe('/backups');
    expect(toAppPath('/backups/0123abcdef')).toBe('/backups/0123abcdef');
    expect(toAppPath('/backups/0123abcdef/')).toBe('/backups/0123abcdef');
    expect(toAppPath('/backups/a/b')).toBe('/');
    expect(toAppPath('/backups/%3Cscript%3E')).toBe('/');
    expect(toAppPath('/nope')).toBe('/');
    expect(toAppPath('/')).toBe('/');
  });

  it('keeps an unpaired app on the welcome and pair screens, and a paired one off them', () => {
    expect(screenFor('/devices', false)).toBe('/welcome');
    expect(screenFor('/', false)).toBe('/welcome');
    expect(screenFor('/pair', false)).toBe('/pair');
    expect(screenFor('/pair', true)).toBe('/');
    expect(screenFor('/welcome', true)).toBe('/');
    expect(screenFor('/activity', true)).toBe('/activity');
    expect(screenFor('/unlock', false)).toBe('/welcome');
    expect(screenFor('/unlock', true)).toBe('/unlock');
    expect(screenFor('/alerts', false)).toBe('/welcome');
    expect(screenFor('/settings', true)).toBe('/settings');
    expect(screenFor('/backups', false)).toBe('/welcome');
    expect(screenFor('/backups/0123abcdef', false)).toBe('/welcome');
    expect(screenFor('/backups/0123abcdef', true)).toBe('/backups/0123abcdef');
  });

  it('reads the run id of a run page only', () => {
    expect(runIdOf(runPath('0123abcdef'))).toBe('0123abcdef');
    expect(runIdOf('/backups')).toBeNull();
    expect(runIdOf('/devices/0123')).toBeNull();
  });
});
