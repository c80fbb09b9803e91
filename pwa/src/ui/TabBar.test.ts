import { describe, expect, it } from 'vitest';
import { APP_PATHS } from '../router.ts';
import { tabOf } from './TabBar.tsx';

describe('tabOf', () => {
  it('lights each tab on its own screen and on the screens below it', () => {
    expect(tabOf('/')).toBe('/');
    expect(tabOf('/unlock')).toBe('/');
    expect(tabOf('/lock')).toBe('/');
    expect(tabOf('/backups')).toBe('/backups');
    expect(tabOf('/backups/run-7')).toBe('/backups');
    expect(tabOf('/alerts')).toBe('/alerts');
    expect(tabOf('/settings')).toBe('/settings');
    expect(tabOf('/devices')).toBe('/settings');
    expect(tabOf('/activity')).toBe('/settings');
  });

  it('gives every paired screen a tab', () => {
    const tabs = new Set(APP_PATHS.map(tabOf));
    expect([...tabs].sort()).toEqual(['/', '/alerts', '/backups', '/settings']);
  });
});
