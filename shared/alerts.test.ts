// The fixed words of the alerts (the backup reason reads as a sentence; the role is named), and
// who gets which alert (ARCHITECTURE §14).
import { describe, expect, it } from 'vitest';
import { ALERT_KINDS, alertIsFor, alertWords, SECURITY_KINDS } from './alerts.ts';

describe('backup alert words', () => {
  it('ends a failed run’s reason as a sentence before pointing to its log', () => {
    expect(alertWords('backup-failed', { detail: 'repository not found' }).body).toBe(
      'repository not found. Open Backups for its log.',
    );
    expect(alertWords('backup-failed', { detail: 'It was stopped by SIGTERM.' }).body).toBe(
      'It was stopped by SIGTERM. Open Backups for its log.',
    );
    expect(alertWords('backup-failed', {}).body).toMatch(/without a new snapshot/);
  });

  it('names the hours without a good backup', () => {
    expect(alertWords('backup-stale', { value: 30 }).title).toBe('No backup for 30 hours');
    expect(alertWords('backup-stale', {}, true).title).toMatch(/^Resolved: /);
  });
});

describe('alerts by role', () => {
  it('gives admins every kind and viewers all but the security kinds', () => {
    for (const kind of ALERT_KINDS) {
      expect(alertIsFor('admin', kind), kind).toBe(true);
      expect(alertIsFor('viewer', kind), kind).toBe(!SECURITY_KINDS.includes(kind));
    }
    expect([...SECURITY_KINDS].sort()).toEqual([
      'bad-signatures',
      'device-paired',
      'pairing-locked',
      'role-changed',
      'unlock-failed',
    ]);
  });

  it('names the device and what its role may do', () => {
    expect(alertWords('device-paired', { name: 'Tom', role: 'admin' }).body).toBe(
      '“Tom” can now unlock and lock your Pi. If you did not pair it, revoke it in Devices.',
    );
    expect(alertWords('device-paired', { name: 'Kid', role: 'viewer' }).body).toMatch(
      /^“Kid” can now see the Pi’s status, backups and alerts\./,
    );
    expect(alertWords('role-changed', { name: 'Kid', role: 'viewer' })).toEqual({
      title: 'Device role changed',
      body: '“Kid” is now a viewer: it can no longer unlock or lock your Pi, only see its status, backups and alerts. If you did not change its role, check Devices.',
    });
  });
});
