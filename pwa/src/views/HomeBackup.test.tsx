import { describe, expect, it } from 'vitest';
import type { BackupSummary } from '../../../shared/backups.ts';
import { all, byTestId, draw } from '../draw.fixtures.ts';
import { Link } from '../ui/Link.tsx';
import { BackupTileView, ISSUE_WORDS } from './HomeBackup.tsx';

const SUMMARY: BackupSummary = {
  lastGoodAt: 0,
  lastGoodSnapshotId: null,
  lastResult: 'succeeded',
  nextAt: null,
  running: null,
  stale: false,
  snapshots: 3,
  demo: false,
  recoveryIssue: null,
};

function tile(parts: Partial<BackupSummary>) {
  const drawn = draw(<BackupTileView backup={{ ...SUMMARY, ...parts }} now={3_600_000} />, [Link]);
  const section = all(drawn, (e) => e.props['data-testid'] === 'home-backup')[0];
  return { drawn, care: section?.props['data-care'] };
}

describe('BackupTileView', () => {
  it('stays calm without a recovery issue', () => {
    const { drawn, care } = tile({});
    expect(care).toBe(false);
    expect(byTestId(drawn, 'home-recovery-issue')).toEqual([]);
  });

  it('turns to a warning naming each recovery issue in a few words', () => {
    const named: Record<string, string> = {};
    for (const issue of Object.keys(ISSUE_WORDS) as (keyof typeof ISSUE_WORDS)[]) {
      const { drawn, care } = tile({ recoveryIssue: issue });
      expect(care).toBe(true);
      named[issue] = byTestId(drawn, 'home-recovery-issue')[0] ?? '';
    }
    expect(named).toEqual({
      'drive-health-failing': '⚠ Drive failing',
      'restore-test-failed': '⚠ Restore test failed',
      'db-dump-stale': '⚠ No recent database dump',
      'drive-sectors-growing': '⚠ New bad sectors',
      'restore-test-overdue': '⚠ Restore test overdue',
    });
  });
});
