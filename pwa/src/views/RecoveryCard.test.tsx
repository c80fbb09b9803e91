import { describe, expect, it, vi } from 'vitest';
import { ROUTES } from '../../../shared/api.ts';
import type { Role } from '../../../shared/roles.ts';
import { accessOf } from '../access.ts';
import { ApiError } from '../api/errors.ts';
import { all, byTestId, click, draw, textOf } from '../draw.fixtures.ts';
import { ERROR_WORDS } from '../errors.ts';
import { DAY, drill, dump, NOW, recovery } from '../recovery/fixtures.ts';
import { RecoveryCardView, type RecoveryViewProps } from './RecoveryCard.tsx';

/** card draws the Recovery card as the Backups screen would, for an admin unless told otherwise. */
function card(parts: Partial<RecoveryViewProps> & { role?: Role } = {}) {
  const { role = 'admin', ...props } = parts;
  // What RecoveryCard asks: the route table's access for this device's role (shared/roles.ts).
  const mayStart = accessOf({ access: { role, adminNames: [] } }, 'me').may(
    'POST',
    ROUTES.restoreTests,
  );
  const onStart = vi.fn();
  const drawn = draw(
    <RecoveryCardView
      recovery={recovery()}
      step={null}
      now={NOW}
      mayStart={mayStart}
      busy={false}
      error={null}
      onStart={onStart}
      {...props}
    />,
  );
  const start = all(drawn, (e) => e.props['data-testid'] === 'restore-test-now')[0];
  const warnings = all(drawn, (e) => e.props['data-testid'] === 'recovery-warning');
  return { drawn, onStart, start, warnings: warnings.map((w) => w.props['data-id']) };
}

describe('RecoveryCardView', () => {
  it('says a passed drill in one sentence, with the dump, the check and the next drill', () => {
    const { drawn, warnings } = card();
    expect(byTestId(drawn, 'recovery-last')).toEqual([
      'Restore test passed 12 days ago: 20 files and the database dump of Dec 1 came back intact from snapshot 3f2a1b9c…',
    ]);
    expect(byTestId(drawn, 'recovery-dump')).toEqual([
      'Newest database dump: 6 hours old, 48.0 MB',
    ]);
    expect(byTestId(drawn, 'recovery-check')).toEqual([
      'Repository check passed (5% of the data read back)',
    ]);
    expect(byTestId(drawn, 'recovery-next')[0]).toMatch(/^Next restore test /);
    expect(warnings).toEqual([]);
    expect(byTestId(drawn, 'recovery-running')).toEqual([]);
    expect(all(drawn, (e) => e.props['data-testid'] === 'drill-row')).toHaveLength(1);
    // A passed drill has nothing to open.
    expect(byTestId(drawn, 'drill-detail')).toEqual([]);
    expect(byTestId(drawn, 'recovery-demo')).toEqual([]);
  });

  it('leads with a failed drill, and opens it to the files that differed, the dump and the check', () => {
    const failed = drill({
      id: 'f'.repeat(32),
      endedAt: NOW - 2 * DAY,
      result: 'failed',
      reason: '1 of 20 files came back different',
      filesMatched: 19,
      mismatches: [
        { path: '/mnt/immich_drive/library/a/IMG_0001.jpg', problem: 'its contents differ' },
      ],
      dump: {
        name: 'immich-db-backup-2.sql.gz',
        at: null,
        bytes: 10,
        ok: false,
        problem: 'it is cut short',
      },
      check: {
        at: NOW - 2 * DAY,
        ok: false,
        readDataSubset: '5%',
        problem: 'pack 9c1f is damaged',
      },
    });
    const { drawn, warnings } = card({
      recovery: recovery({
        lastDrill: failed,
        lastPassedAt: NOW - 12 * DAY,
        drills: [failed, drill()],
      }),
    });
    expect(warnings).toEqual(['restore-test-failed']);
    expect(byTestId(drawn, 'recovery-warning')).toEqual(['⚠ Restore test failed.']);
    expect(textOf(drawn)).toContain('Back up again, then test a restore again.');
    expect(byTestId(drawn, 'recovery-last')).toEqual([
      'Restore test failed 2 days ago: 1 of 20 files came back different',
    ]);
    expect(textOf(drawn)).toContain('The last one that passed ended 12 days ago.');
    const rows = all(drawn, (e) => e.props['data-testid'] === 'drill-row');
    expect(rows.map((r) => r.props['data-result'])).toEqual(['failed', 'passed']);
    // The result is a mark and a word, not only a colour.
    expect(textOf(rows[0]?.children ?? [])).toContain('✗ failed');
    const [detail] = byTestId(drawn, 'drill-detail');
    expect(detail).toContain('What came back wrong');
    expect(byTestId(drawn, 'drill-mismatches')).toEqual([
      '/mnt/immich_drive/library/a/IMG_0001.jpg: its contents differ',
    ]);
    expect(byTestId(drawn, 'drill-dump')).toEqual(['immich-db-backup-2.sql.gz: it is cut short']);
    expect(byTestId(drawn, 'drill-check')).toEqual([
      'Repository check found a problem: pack 9c1f is damaged',
    ]);
  });

  it('warns when no drill passed for too long, in days, and says what to do', () => {
    const { drawn, warnings } = card({
      recovery: recovery({ overdue: true, lastPassedAt: NOW - 40 * DAY }),
    });
    expect(warnings).toEqual(['restore-test-overdue']);
    expect(byTestId(drawn, 'recovery-warning')).toEqual(['⚠ No restore test for 40 days.']);
    expect(textOf(drawn)).toContain('Test a restore now, or ask an admin to.');
  });

  it('warns of a stale database dump with how to turn on Immich’s automatic dumps', () => {
    const stale = dump({
      newest: { name: 'immich-db-backup-0.sql.gz', at: NOW - 5 * DAY, bytes: 2_500_000 },
      stale: true,
    });
    const { drawn, warnings } = card({ recovery: recovery({ dump: stale }) });
    expect(warnings).toEqual(['db-dump-stale']);
    expect(byTestId(drawn, 'recovery-warning')).toEqual([
      '⚠ Backups have no recent database dump.',
    ]);
    expect(textOf(drawn)).toContain('Administration > Settings > Backup Settings');
    expect(byTestId(drawn, 'recovery-dump')).toEqual(['Newest database dump: 5 days old, 2.5 MB']);

    const left = card({ recovery: recovery({ dump: dump({ stale: true, inSnapshot: false }) }) });
    expect(byTestId(left.drawn, 'recovery-warning')).toEqual([
      '⚠ Backups leave out the database dumps.',
    ]);
    const none = card({ recovery: recovery({ dump: dump({ newest: null, stale: true }) }) });
    expect(byTestId(none.drawn, 'recovery-dump')).toEqual(['No database dump found on the drive.']);
  });

  it('shows a running drill and holds the button back meanwhile', () => {
    const { drawn, start } = card({
      recovery: recovery({ running: { since: NOW - 3 * 60_000 } }),
    });
    expect(byTestId(drawn, 'recovery-running')).toEqual([
      'Restore test running… started 3 minutes ago',
    ]);
    expect(start?.props.disabled).toBe(true);
    const starting = card({ step: { kind: 'starting' } });
    expect(byTestId(starting.drawn, 'recovery-running')).toEqual(['Starting the restore test…']);
  });

  it('says how a followed drill ended', () => {
    const failed = drill({ id: 'e'.repeat(32), result: 'failed', reason: 'x' });
    const { drawn } = card({ step: { kind: 'finished', drill: failed } });
    expect(byTestId(drawn, 'recovery-outcome')).toEqual([
      'The restore test failed: see what came back wrong below.',
    ]);
    const lost = card({ step: { kind: 'lost', why: 'never-started' } });
    expect(byTestId(lost.drawn, 'recovery-outcome')[0]).toMatch(/no restore test started/);
  });

  it('gives an admin “Test a restore now”, which starts one; a refusal is said in words', () => {
    const { start, onStart } = card();
    expect(textOf(start?.children ?? [])).toBe('Test a restore now');
    expect(start?.props.disabled).toBe(false);
    click(start);
    expect(onStart).toHaveBeenCalledOnce();
    const busy = card({ error: new ApiError('restore-test-running', 409, 'busy') });
    expect(byTestId(busy.drawn, 'restore-test-refused')).toEqual([
      ERROR_WORDS['restore-test-running'],
    ]);
    const locked = card({ error: new ApiError('backup-drive-locked', 409, 'locked') });
    expect(byTestId(locked.drawn, 'restore-test-refused')).toEqual([
      'The drive is locked: unlock it first, then test a restore.',
    ]);
  });

  it('gives a viewer no button', () => {
    const { start, drawn } = card({ role: 'viewer' });
    expect(start).toBeUndefined();
    expect(all(drawn, (e) => e.type === 'button')).toEqual([]);
  });

  it('marks demo drills as the runs’ demo marker does', () => {
    const made = drill({ demo: true });
    const { drawn } = card({ recovery: recovery({ lastDrill: made, drills: [made] }) });
    expect(byTestId(drawn, 'recovery-demo')).toEqual(['Demo data']);
    expect(textOf(drawn)).toContain('made up by the sandbox Pi');
  });

  it('says so when the Pi has no restore tests yet, or its agent is older', () => {
    const none = card({ recovery: recovery({ lastDrill: null }) });
    expect(byTestId(none.drawn, 'recovery-last')).toEqual(['No restore test yet']);
    expect(byTestId(none.drawn, 'drill-none')[0]).toMatch(/once a month/);
    const older = card({ recovery: null });
    expect(textOf(older.drawn)).toContain('does not test restores yet');
  });
});
