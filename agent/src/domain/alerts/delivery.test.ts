// Per-device push planning: quiet hours, the summary after them, the hourly cap and critical bypass.
import { describe, expect, it } from 'vitest';
import { DeliveryPlanner, type DeliveryPolicy, messageFor } from './delivery.ts';
import { type AlertChange, AlertEngine, DEFAULT_THRESHOLDS, type Observation } from './engine.ts';

const at = (iso: string) => Date.parse(iso);
const NIGHT: DeliveryPolicy = {
  quietHours: { start: '22:00', end: '07:00' },
  timeZone: 'Europe/Berlin',
};
const NO_QUIET: DeliveryPolicy = { quietHours: null, timeZone: 'Europe/Berlin' };
const NIGHT_WALL = at('2026-06-01T23:00:00Z'); // 01:00 in Berlin
const MORNING = at('2026-06-02T05:00:00Z'); // 07:00 in Berlin

/** changes makes real engine changes, so words, tags and flags are the engine's. */
function changes() {
  const engine = new AlertEngine(DEFAULT_THRESHOLDS);
  const wall = NIGHT_WALL;
  return {
    backupFailed: engine.setCondition('backup-failed', true, {}, 0, wall) as AlertChange,
    backupStale: engine.setCondition('backup-stale', true, {}, 0, wall) as AlertChange,
    backupFixed: engine.setCondition('backup-failed', false, {}, 1, wall) as AlertChange,
    paired: engine.event('device-paired', { name: 'Tablet' }, 0, wall),
    immichBack: engine.event('immich-back', {}, 0, wall),
  };
}

describe('messageFor', () => {
  it('tags with the alert id and sets urgency: critical high, resolved low, others normal', () => {
    const c = changes();
    expect(messageFor(c.backupFailed)).toEqual({
      title: 'Backup failed',
      body: 'The last backup ended without a new snapshot. Open Backups to see why.',
      navigate: '/backups',
      tag: 'backup-failed',
      urgency: 'normal',
      critical: false,
    });
    expect(messageFor(c.backupFixed)).toMatchObject({ tag: 'backup-failed', urgency: 'low' });
    expect(messageFor(c.paired)).toMatchObject({
      tag: 'device-paired',
      urgency: 'high',
      critical: true,
    });
  });
});

describe('DeliveryPlanner', () => {
  it('sends at once outside quiet hours and nothing for a change that does not notify', () => {
    const planner = new DeliveryPlanner();
    const c = changes();
    expect(planner.plan('phone', NO_QUIET, c.backupFailed, NIGHT_WALL)).toEqual([
      messageFor(c.backupFailed),
    ]);
    expect(
      planner.plan('phone', NO_QUIET, { ...c.backupStale, notify: false }, NIGHT_WALL),
    ).toEqual([]);
  });

  it('holds non-critical changes in quiet hours and sums them up once they end', () => {
    const planner = new DeliveryPlanner();
    const c = changes();
    expect(planner.plan('phone', NIGHT, c.backupFailed, NIGHT_WALL)).toEqual([]);
    expect(planner.plan('phone', NIGHT, c.backupStale, NIGHT_WALL)).toEqual([]);
    expect(planner.plan('phone', NIGHT, c.backupFixed, NIGHT_WALL)).toEqual([]);
    expect(planner.plan('phone', NIGHT, c.immichBack, NIGHT_WALL)).toEqual([]);
    const policies = new Map([['phone', NIGHT]]);
    expect(planner.due(policies, MORNING - 1)).toEqual([]);
    expect(planner.due(policies, MORNING)).toEqual([
      {
        deviceId: 'phone',
        message: {
          title: 'While quiet hours were on',
          body: 'Backup failed (resolved); No recent backup; Immich is back',
          navigate: '/alerts',
          tag: 'quiet-summary',
          urgency: 'normal',
          critical: false,
        },
      },
    ]);
    expect(planner.due(policies, MORNING + 60_000)).toEqual([]); // said once
  });

  it('lists at most five titles and counts the rest', () => {
    const planner = new DeliveryPlanner();
    const { backupStale } = changes();
    for (const unit of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) {
      const alert = { ...backupStale.alert, id: `service-down:${unit}`, title: `${unit} stopped` };
      planner.plan('phone', NIGHT, { ...backupStale, alert }, NIGHT_WALL);
    }
    const [summary] = planner.due(new Map([['phone', NIGHT]]), MORNING);
    expect(summary?.message.body).toBe(
      'a stopped; b stopped; c stopped; d stopped; e stopped; +2 more',
    );
  });

  it('lets critical changes through quiet hours, resolved ones too', () => {
    const planner = new DeliveryPlanner();
    const engine = new AlertEngine({
      ...DEFAULT_THRESHOLDS,
      tempHighHoldSeconds: 0,
      tempClearHoldSeconds: 0,
    });
    const sample: Omit<Observation, 'temperatureC'> = {
      mono: 0,
      wall: NIGHT_WALL,
      bootId: 'b',
      undervoltage: null,
      disks: [],
      drive: 'missing',
      operation: null,
      lastOperation: null,
      units: [],
    };
    engine.observe({ ...sample, temperatureC: 50 });
    const [hot] = engine.observe({ ...sample, temperatureC: 85 });
    const [cool] = engine.observe({ ...sample, temperatureC: 60 });
    expect(planner.plan('phone', NIGHT, hot as AlertChange, NIGHT_WALL)).toMatchObject([
      { tag: 'temp-high', urgency: 'high', critical: true },
    ]);
    expect(planner.plan('phone', NIGHT, cool as AlertChange, NIGHT_WALL)).toMatchObject([
      { tag: 'temp-high', urgency: 'low', title: 'Resolved: Pi is overheating (85 °C)' },
    ]);
    expect(planner.due(new Map([['phone', NIGHT]]), MORNING)).toEqual([]);
  });

  it('drops non-critical pushes past the hourly cap and says how many in the next summary', () => {
    const planner = new DeliveryPlanner({ maxPerHour: 2 });
    const c = changes();
    const wall = at('2026-06-01T10:00:00Z');
    expect(planner.plan('phone', NO_QUIET, c.backupFailed, wall)).toHaveLength(1);
    expect(planner.plan('phone', NO_QUIET, c.backupStale, wall + 1)).toHaveLength(1);
    expect(planner.plan('phone', NO_QUIET, c.immichBack, wall + 2)).toEqual([]);
    expect(planner.plan('phone', NO_QUIET, c.backupFixed, wall + 3)).toEqual([]);
    expect(planner.plan('phone', NO_QUIET, c.paired, wall + 4)).toHaveLength(1); // critical
    expect(planner.plan('tablet', NO_QUIET, c.immichBack, wall + 5)).toHaveLength(1); // per device
    const policies = new Map([['phone', NO_QUIET]]);
    expect(planner.due(policies, wall + 60 * 60_000)).toEqual([]); // three sent in the hour
    const [summary] = planner.due(policies, wall + 61 * 60_000);
    expect(summary?.message).toMatchObject({
      title: 'Some alerts were not sent',
      body: '2 alerts were not sent: too many in one hour. Open Alerts to see them.',
      tag: 'quiet-summary',
    });
    expect(planner.due(policies, wall + 62 * 60_000)).toEqual([]);
  });

  it('forgets a device, and skips a device without a policy', () => {
    const planner = new DeliveryPlanner();
    const c = changes();
    planner.plan('phone', NIGHT, c.backupFailed, NIGHT_WALL);
    planner.plan('tablet', NIGHT, c.backupFailed, NIGHT_WALL);
    planner.forget('phone');
    expect(planner.due(new Map([['phone', NIGHT]]), MORNING)).toEqual([]);
    expect(planner.due(new Map([['tablet', NIGHT]]), MORNING).map((s) => s.deviceId)).toEqual([
      'tablet',
    ]);
  });
});
