// Per-device push planning: quiet hours, the summary after them, the hourly cap and critical bypass.
import { describe, expect, it } from 'vitest';
import { DeliveryPlanner, type DeliveryPolicy, messageFor } from './delivery.ts';
import { type AlertChange, AlertEngine, DEFAULT_THRESHOLDS, type Observation } from './engine.ts';
import { calmSample } from './observation.fixtures.ts';

const at = (iso: string) => Date.parse(iso);
const NIGHT: DeliveryPolicy = {
  quietHours: { start: '22:00', end: '07:00' },
  timeZone: 'Europe/Berlin',
  role: 'admin',
};
const NO_QUIET: DeliveryPolicy = { quietHours: null, timeZone: 'Europe/Berlin', role: 'admin' };
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
    expect(messageFor(c.backupFailed, 'admin')).toEqual({
      title: 'Backup failed',
      body: 'The last backup ended without a new snapshot. Open Backups to see why.',
      navigate: '/backups',
      tag: 'backup-failed',
      urgency: 'normal',
      critical: false,
    });
    expect(messageFor(c.backupFixed, 'admin')).toMatchObject({
      tag: 'backup-failed',
      urgency: 'low',
    });
    expect(messageFor(c.paired, 'admin')).toMatchObject({
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
      messageFor(c.backupFailed, 'admin'),
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

describe('DeliveryPlanner by role and snooze (issue 12)', () => {
  const VIEWER: DeliveryPolicy = { ...NO_QUIET, role: 'viewer' };
  const sample = (change: Partial<Observation>) => calmSample(0, NIGHT_WALL, change);

  it('pushes security alerts to admins only, and health, backup and Immich back to all', () => {
    const engine = new AlertEngine({ ...DEFAULT_THRESHOLDS, tempHighHoldSeconds: 0 });
    const security = [
      engine.event('device-paired', { name: 'Tablet', role: 'viewer' }, 0, NIGHT_WALL),
      engine.event('role-changed', { name: 'Tablet', role: 'admin' }, 0, NIGHT_WALL),
      engine.event('unlock-failed', { value: 4 }, 0, NIGHT_WALL),
      engine.event('pairing-locked', {}, 0, NIGHT_WALL),
      engine.event('bad-signatures', { value: 30 }, 0, NIGHT_WALL),
    ];
    engine.observe(sample({}));
    const [hot] = engine.observe(sample({ temperatureC: 85 }));
    const everyone = [
      hot as AlertChange,
      engine.setCondition('backup-failed', true, {}, 0, NIGHT_WALL) as AlertChange,
      engine.event('immich-back', {}, 0, NIGHT_WALL),
    ];
    const planner = new DeliveryPlanner();
    const tags = (deviceId: string, policy: DeliveryPolicy, list: AlertChange[]) =>
      list
        .flatMap((change) => planner.plan(deviceId, policy, change, NIGHT_WALL))
        .map((m) => m.tag);
    expect(tags('phone', NO_QUIET, security)).toEqual([
      'device-paired',
      'role-changed',
      'unlock-failed',
      'pairing-locked',
      'bad-signatures',
    ]);
    expect(tags('tablet', VIEWER, security)).toEqual([]);
    expect(tags('phone', NO_QUIET, everyone)).toEqual([
      'temp-high',
      'backup-failed',
      'immich-back',
    ]);
    expect(tags('tablet', VIEWER, everyone)).toEqual(['temp-high', 'backup-failed', 'immich-back']);
    // A security alert held in quiet hours never reaches a viewer's summary either.
    planner.plan('tablet', { ...NIGHT, role: 'viewer' }, security[4] as AlertChange, NIGHT_WALL);
    expect(planner.due(new Map([['tablet', { ...NIGHT, role: 'viewer' }]]), MORNING)).toEqual([]);
  });

  it('names the new role in the words of a pairing and a role change', () => {
    const engine = new AlertEngine(DEFAULT_THRESHOLDS);
    const body = (change: AlertChange) => messageFor(change, 'admin').body;
    expect(body(engine.event('device-paired', { name: 'Kid', role: 'viewer' }, 0, 0))).toBe(
      '“Kid” can now see the Pi’s status, backups and alerts. If you did not pair it, revoke it in Devices.',
    );
    expect(body(engine.event('device-paired', { name: 'Tom', role: 'admin' }, 0, 0))).toContain(
      '“Tom” can now unlock and lock your Pi.',
    );
    const changed = engine.event('role-changed', { name: 'Kid', role: 'viewer' }, 0, 0);
    expect(messageFor(changed, 'admin')).toMatchObject({
      title: 'Device role changed',
      navigate: '/devices',
      urgency: 'high',
      critical: true,
    });
    expect(body(changed)).toContain('“Kid” is now a viewer');
    expect(body(engine.event('role-changed', { name: 'Kid', role: 'admin' }, 0, 0))).toContain(
      '“Kid” is now an admin: it can now unlock and lock your Pi.',
    );
  });

  it('tells a viewer that an admin must unlock, and its tap opens Home', () => {
    const engine = new AlertEngine(DEFAULT_THRESHOLDS);
    const [locked] = engine.observe(sample({ drive: 'locked' })) as AlertChange[];
    const planner = new DeliveryPlanner();
    const [admin] = planner.plan('phone', NO_QUIET, locked as AlertChange, NIGHT_WALL);
    const [viewer] = planner.plan('tablet', VIEWER, locked as AlertChange, NIGHT_WALL);
    expect(admin).toMatchObject({
      title: 'Pi restarted: storage is locked',
      body: 'Immich is stopped until you unlock the drive. Tap to unlock.',
      navigate: '/unlock',
    });
    expect(viewer).toMatchObject({ title: 'Pi restarted: storage is locked', navigate: '/' });
    expect(viewer?.body).toContain('until an admin unlocks the drive');
    expect(viewer?.body).not.toContain('Tap to unlock');
    // The alert itself, as the app's lists show it, offers no tap: only the notification opens Unlock.
    expect((locked as AlertChange).alert.body).toBe(
      'Immich is stopped until you unlock the drive.',
    );
    const [unlocked] = engine.observe(sample({ drive: 'running', mono: 1 })) as AlertChange[];
    expect(planner.plan('tablet', VIEWER, unlocked as AlertChange, NIGHT_WALL)).toMatchObject([
      {
        title: 'Resolved: Pi restarted: storage is locked',
        body: 'The drive is unlocked.',
        navigate: '/',
      },
    ]);
  });

  it('holds a change from a device whose own snooze holds it, not from the others', () => {
    const { backupFailed } = changes();
    const snoozed = { ...backupFailed, snoozedFor: new Set(['phone']) };
    const planner = new DeliveryPlanner();
    expect(planner.plan('phone', NO_QUIET, snoozed, NIGHT_WALL)).toEqual([]);
    expect(planner.plan('tablet', VIEWER, snoozed, NIGHT_WALL)).toHaveLength(1);
  });
});
