import { describe, expect, it } from 'vitest';
import type { DriveHealth } from '../../../shared/recovery.ts';
import { all, byTestId, draw, textOf } from '../draw.fixtures.ts';
import { health, NOW } from '../recovery/fixtures.ts';
import { readDriveHealth } from '../recovery/health.ts';
import { DriveHealthView } from './DriveHealthCard.tsx';

function card(state: DriveHealth | null | 'unreadable') {
  const drawn = draw(<DriveHealthView health={state} now={NOW} />);
  const facts = all(drawn, (e) => e.type === 'div' && e.props.class !== 'row').map((e) => ({
    text: textOf(e.children),
    bad: e.props.class === 'health-bad',
  }));
  const section = all(drawn, (e) => e.props['data-testid'] === 'drive-health')[0];
  return { drawn, facts, state: section?.props['data-state'] };
}

describe('DriveHealthView', () => {
  it('says a healthy disk is healthy, with its hours, temperature, sectors and when it was read', () => {
    const { drawn, facts, state } = card(health());
    expect(state).toBe('ok');
    expect(byTestId(drawn, 'health-state')).toEqual(['✓ Healthy']);
    expect(byTestId(drawn, 'health-advice')).toEqual([]);
    expect(facts).toEqual([
      { text: 'Powered on12,345 hours', bad: false },
      { text: 'Temperature34 °C', bad: false },
      { text: 'Reallocated sectors0', bad: false },
      { text: 'Pending sectors0', bad: false },
      { text: 'Uncorrectable sectors0', bad: false },
    ]);
    expect(byTestId(drawn, 'health-read-at')).toEqual([
      'Read 1 hour ago; read again daily and after each unlock.',
    ]);
  });

  it('names bad sectors found, marks the counts, and says how to read them', () => {
    const { drawn, facts, state } = card(
      health({
        state: 'warning',
        reallocatedSectors: 8,
        pendingSectors: 2,
        reportedUncorrectable: 1,
      }),
    );
    expect(state).toBe('warning');
    expect(byTestId(drawn, 'health-state')).toEqual(['⚠ Bad sectors found']);
    expect(facts.filter((f) => f.bad).map((f) => f.text)).toEqual([
      'Reallocated sectors8',
      'Pending sectors2',
      'Uncorrectable sectors1',
    ]);
    expect(byTestId(drawn, 'health-advice')[0]).toMatch(/count that keeps growing/);
  });

  it('says a failing disk must be replaced soon, and what to check first', () => {
    const { drawn, state } = card(
      health({ state: 'failing', passed: false, problem: 'SMART says the disk is failing.' }),
    );
    expect(state).toBe('failing');
    expect(byTestId(drawn, 'health-state')).toEqual(['✗ Failing: replace the drive soon']);
    expect(byTestId(drawn, 'health-problem')).toEqual(['SMART says the disk is failing.']);
    expect(byTestId(drawn, 'health-advice')[0]).toMatch(
      /last backup and restore test passed, then move your photos to a new drive soon/,
    );
  });

  it('says plainly that an adapter without SMART is not an error, and shows no numbers', () => {
    const { drawn, facts } = card(
      health({
        state: 'unsupported',
        powerOnHours: null,
        temperatureC: null,
        reallocatedSectors: null,
      }),
    );
    expect(byTestId(drawn, 'health-state')).toEqual([
      '· Your USB adapter passes no SMART data: health cannot be read (not an error)',
    ]);
    expect(facts).toEqual([]);
    expect(byTestId(drawn, 'health-advice')).toEqual([]);
  });

  it('says a disk not read yet is not read yet, with the reason when there is one', () => {
    const { drawn } = card(
      health({
        state: 'unknown',
        readAt: null,
        model: null,
        passed: null,
        powerOnHours: null,
        temperatureC: null,
        reallocatedSectors: null,
        pendingSectors: null,
        offlineUncorrectable: null,
        reportedUncorrectable: null,
        problem: 'smartctl is not installed on the Pi.',
      }),
    );
    expect(byTestId(drawn, 'health-state')).toEqual(['· Not read yet']);
    expect(byTestId(drawn, 'health-problem')).toEqual(['smartctl is not installed on the Pi.']);
    expect(byTestId(drawn, 'health-read-at')).toEqual([
      'Read once the drive is unlocked, then daily.',
    ]);
  });

  it('shows NVMe’s endurance used and media errors instead of sectors', () => {
    const { facts } = card(
      health({
        protocol: 'nvme',
        reallocatedSectors: null,
        pendingSectors: null,
        offlineUncorrectable: null,
        reportedUncorrectable: null,
        percentUsed: 3,
        mediaErrors: 0,
      }),
    );
    expect(facts.map((f) => f.text)).toEqual([
      'Powered on12,345 hours',
      'Temperature34 °C',
      'Endurance used3%',
      'Media errors0',
    ]);
  });

  it('checks status.drive.health: nothing from an older agent, one line for an unknown shape', () => {
    expect(readDriveHealth(undefined)).toBeNull();
    expect(readDriveHealth(null)).toBeNull();
    expect(readDriveHealth({ state: 'great' })).toBe('unreadable');
    expect(readDriveHealth(JSON.parse(JSON.stringify(health())))).toEqual(health());
    expect(card(null).drawn).toEqual([]);
    expect(textOf(card('unreadable').drawn)).toContain('a form this app does not know yet');
  });
});
