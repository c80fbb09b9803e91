// The fixed words of the backup alerts: the reason from the report reads as a sentence.
import { describe, expect, it } from 'vitest';
import { alertWords } from './alerts.ts';

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
