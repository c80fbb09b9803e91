// The engine's bookkeeping: notify flags (renotify, snooze, event rate), history, ordering and
// what survives a restart, with a pinned clock.
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  AlertEngine,
  AlertMemory,
  type AlertThresholds,
  DEFAULT_THRESHOLDS,
  type Observation,
} from './engine.ts';

const T0 = Date.UTC(2026, 4, 1, 12, 0, 0);
const MINUTE = 60_000;

function sample(mono: number, change: Partial<Observation> = {}): Observation {
  return {
    mono,
    wall: T0 + mono,
    bootId: 'boot-a',
    temperatureC: 50,
    undervoltage: false,
    disks: [{ id: 'sd', usedPercent: 40 }],
    drive: 'running',
    operation: null,
    lastOperation: null,
    units: [],
    ...change,
  };
}

const engineWith = (thresholds: Partial<AlertThresholds> = {}) =>
  new AlertEngine({ ...DEFAULT_THRESHOLDS, ...thresholds });

describe('AlertEngine notify flags', () => {
  it('records a state raised again within 10 minutes of clearing without notifying', () => {
    const engine = engineWith({ undervoltageClearSeconds: 0 });
    expect(engine.observe(sample(0, { undervoltage: true }))[0]?.notify).toBe(true);
    expect(engine.observe(sample(MINUTE))[0]).toMatchObject({ type: 'resolved', notify: true });
    const flap = engine.observe(sample(10 * MINUTE - 1, { undervoltage: true }));
    expect(flap).toMatchObject([{ type: 'raised', notify: false }]);
    // A silent raise gets a silent clear: nothing on the phone to replace.
    expect(engine.observe(sample(10 * MINUTE))).toMatchObject([
      { type: 'resolved', notify: false },
    ]);
    expect(engine.observe(sample(20 * MINUTE, { undervoltage: true }))[0]?.notify).toBe(true);
  });

  // Snoozes are per device (issue 12): a change names the devices whose snooze holds its push.
  it('holds the pushes of a snoozed alert, drops the snooze when it resolves, and ends on 0', () => {
    const engine = engineWith({ undervoltageClearSeconds: 0 });
    engine.observe(sample(0, { undervoltage: true }));
    expect(engine.snooze('nope', 'phone', T0 + 60 * MINUTE)).toBeNull();
    expect(engine.snooze('undervoltage', 'phone', T0 + 60 * MINUTE)?.snoozedUntil).toBe(
      T0 + 60 * MINUTE,
    );
    expect(engine.active('phone')[0]?.snoozedUntil).toBe(T0 + 60 * MINUTE);
    expect(engine.active('tablet')[0]?.snoozedUntil).toBeNull();
    const [resolved] = engine.observe(sample(MINUTE));
    expect(resolved).toMatchObject({ type: 'resolved', notify: true });
    expect([...(resolved?.snoozedFor ?? [])]).toEqual(['phone']);
    expect(engine.history()[0]?.snoozedUntil).toBeNull();
    engine.observe(sample(30 * MINUTE, { undervoltage: true }));
    engine.snooze('undervoltage', 'phone', T0 + 90 * MINUTE);
    expect(engine.snooze('undervoltage', 'phone', 0)?.snoozedUntil).toBeNull();
    expect(engine.snooze('undervoltage', 'phone', T0 + 29 * MINUTE)?.snoozedUntil).toBeNull(); // past
    expect(engine.observe(sample(31 * MINUTE))[0]).toMatchObject({
      notify: true,
      snoozedFor: new Set(),
    });
  });

  it('keeps one device snooze from another: ending one leaves the other', () => {
    const engine = engineWith({ undervoltageClearSeconds: 0 });
    engine.observe(sample(0, { undervoltage: true }));
    engine.snooze('undervoltage', 'phone', T0 + 60 * MINUTE);
    engine.snooze('undervoltage', 'tablet', T0 + 30 * MINUTE);
    engine.snooze('undervoltage', 'phone', 0);
    expect(engine.active('phone')[0]?.snoozedUntil).toBeNull();
    expect(engine.active('tablet')[0]?.snoozedUntil).toBe(T0 + 30 * MINUTE);
    expect(engine.active()[0]?.snoozedUntil).toBeNull();
    expect([...(engine.observe(sample(MINUTE))[0]?.snoozedFor ?? [])]).toEqual(['tablet']);
  });

  it('forgets a snooze that has ended, and notifies again after it', () => {
    const engine = engineWith({ undervoltageClearSeconds: 0 });
    engine.observe(sample(0, { undervoltage: true }));
    engine.snooze('undervoltage', 'phone', T0 + 5 * MINUTE);
    expect(engine.observe(sample(5 * MINUTE, { undervoltage: true }))).toEqual([]);
    expect(engine.active('phone')[0]?.snoozedUntil).toBeNull();
    expect(engine.observe(sample(6 * MINUTE))[0]).toMatchObject({
      notify: true,
      snoozedFor: new Set(),
    });
  });

  it('notifies the same event kind at most once a minute, and records every one', () => {
    const engine = engineWith();
    const first = engine.event('unlock-failed', { value: 4 }, 0, T0);
    expect(first).toMatchObject({ type: 'event', notify: true });
    expect(first.alert).toMatchObject({
      id: 'unlock-failed',
      state: 'event',
      critical: true,
      navigate: '/activity',
      raisedAt: T0,
    });
    expect(first.alert.body).toContain('(4 tries left before a wait)');
    expect(engine.event('unlock-failed', { value: 3 }, 59_999, T0 + 59_999).notify).toBe(false);
    expect(engine.event('device-paired', { name: 'Ana’s phone' }, 59_999, T0).notify).toBe(true);
    expect(engine.event('role-changed', { name: 'Kid', role: 'admin' }, 59_999, T0).notify).toBe(
      true,
    );
    expect(engine.event('role-changed', { name: 'Tom', role: 'admin' }, 59_999, T0).notify).toBe(
      true,
    );
    expect(engine.event('unlock-failed', { value: 2 }, 60_000, T0 + 60_000).notify).toBe(true);
    expect(engine.history().map((a) => a.id)).toEqual([
      'unlock-failed',
      'role-changed',
      'role-changed',
      'device-paired',
      'unlock-failed',
      'unlock-failed',
    ]);
    expect(engine.active()).toEqual([]);
  });

  it('raises and clears the backup conditions once each', () => {
    const engine = engineWith();
    const raised = engine.setCondition('backup-failed', true, {}, 0, T0);
    expect(raised).toMatchObject({
      type: 'raised',
      notify: true,
      alert: { title: 'Backup failed' },
    });
    expect(engine.setCondition('backup-failed', true, {}, 10, T0)).toBeNull();
    expect(engine.setCondition('backup-stale', false, {}, 10, T0)).toBeNull();
    const resolved = engine.setCondition('backup-failed', false, {}, 20, T0 + 20);
    expect(resolved?.alert).toMatchObject({
      body: 'A backup finished again.',
      resolvedAt: T0 + 20,
    });
  });
});

describe('AlertEngine lists', () => {
  it('answers active alerts critical first, then newest', () => {
    const engine = engineWith({ tempHighHoldSeconds: 0 });
    engine.setCondition('backup-failed', true, {}, 0, T0);
    engine.observe(sample(MINUTE, { temperatureC: 85 }));
    engine.setCondition('backup-stale', true, {}, 2 * MINUTE, T0 + 2 * MINUTE);
    engine.observe(sample(3 * MINUTE, { temperatureC: 85, undervoltage: true }));
    expect(engine.active().map((a) => a.id)).toEqual([
      'temp-high',
      'undervoltage',
      'backup-stale',
      'backup-failed',
    ]);
  });

  it('keeps the raised words in history with state resolved, newest first and bounded', () => {
    const engine = engineWith({ historyLimit: 3, undervoltageClearSeconds: 0 });
    engine.observe(sample(0, { undervoltage: true }));
    engine.observe(sample(MINUTE));
    expect(engine.history()).toEqual([
      expect.objectContaining({
        id: 'undervoltage',
        state: 'resolved',
        title: 'Pi power is too low',
        raisedAt: T0,
        resolvedAt: T0 + MINUTE,
      }),
    ]);
    for (let i = 1; i <= 3; i++) engine.event('immich-back', {}, i * MINUTE, T0 + i * 2 * MINUTE);
    const history = engine.history();
    expect(history.map((a) => a.raisedAt)).toEqual([
      T0 + 6 * MINUTE,
      T0 + 4 * MINUTE,
      T0 + 2 * MINUTE,
    ]);
  });
});

describe('AlertEngine memory', () => {
  it('survives toJSON and the schema: history, the boot marker and snoozes, not active alerts', () => {
    const engine = engineWith();
    engine.observe(sample(0, { drive: 'locked', disks: [] }));
    engine.event('device-paired', { name: 'Phone' }, 0, T0);
    engine.observe(sample(MINUTE, { drive: 'locked', disks: [], undervoltage: true }));
    engine.snooze('undervoltage', 'phone', T0 + 60 * MINUTE);
    const json = JSON.parse(JSON.stringify(engine.toJSON()));
    const memory = v.parse(AlertMemory, json);
    expect(memory.lockedAfterBootFor).toBe('boot-a');
    expect(memory.snoozes).toEqual([
      { id: 'undervoltage', deviceId: 'phone', until: T0 + 60 * MINUTE },
    ]);

    const restarted = new AlertEngine(DEFAULT_THRESHOLDS, memory);
    expect(restarted.active()).toEqual([]);
    expect(restarted.history().map((a) => a.id)).toEqual(['device-paired']);
    // The same boot never raises locked-after-boot again; the snoozed alert comes back snoozed.
    const changes = restarted.observe(
      sample(5, { drive: 'locked', disks: [], undervoltage: true }),
    );
    expect(changes).toMatchObject([
      {
        type: 'raised',
        notify: true,
        snoozedFor: new Set(['phone']),
        alert: { id: 'undervoltage' },
      },
    ]);
    expect(restarted.active('phone')[0]?.snoozedUntil).toBe(T0 + 60 * MINUTE);
    expect(restarted.observe(sample(10, { drive: 'locked', bootId: 'boot-b' }))).toMatchObject([
      { type: 'raised', notify: true, alert: { id: 'locked-after-boot' } },
    ]);
  });

  it('reads memory written before snoozes existed, and trims history to the limit', () => {
    const engine = engineWith();
    engine.event('immich-back', {}, 0, T0);
    engine.event('immich-back', {}, 1, T0 + 1);
    const { history } = engine.toJSON();
    const memory = v.parse(AlertMemory, { history, lockedAfterBootFor: null });
    const restarted = new AlertEngine({ ...DEFAULT_THRESHOLDS, historyLimit: 1 }, memory);
    expect(restarted.history().map((a) => a.raisedAt)).toEqual([T0 + 1]);
    expect(restarted.toJSON().snoozes).toEqual([]);
  });

  it('keeps at most 1000 snoozes, the latest-ending, so alerts.json always loads again', () => {
    const engine = engineWith();
    engine.observe(sample(0, { undervoltage: true }));
    for (let i = 0; i <= 1000; i++)
      engine.snooze('undervoltage', `device-${i}`, T0 + (i + 1) * MINUTE);
    const { snoozes } = v.parse(AlertMemory, JSON.parse(JSON.stringify(engine.toJSON())));
    expect(snoozes).toHaveLength(1000);
    expect(snoozes.map((s) => s.deviceId)).not.toContain('device-0');
  });

  it('gives a snooze saved before snoozes were per device to every device paired at start', () => {
    const memory = v.parse(AlertMemory, {
      history: [],
      lockedAfterBootFor: null,
      snoozes: [{ id: 'undervoltage', until: T0 + 60 * MINUTE }],
    });
    const thresholds = { ...DEFAULT_THRESHOLDS, undervoltageClearSeconds: 0 };
    const restarted = new AlertEngine(thresholds, memory, ['phone', 'tablet']);
    const [raised] = restarted.observe(sample(0, { undervoltage: true }));
    expect([...(raised?.snoozedFor ?? [])]).toEqual(['phone', 'tablet']);
    expect(restarted.active('tablet')[0]?.snoozedUntil).toBe(T0 + 60 * MINUTE);
    // Each device can end its own copy, and alerts.json then says whose each snooze is.
    restarted.snooze('undervoltage', 'phone', 0);
    expect(restarted.toJSON().snoozes).toEqual([
      { id: 'undervoltage', deviceId: 'tablet', until: T0 + 60 * MINUTE },
    ]);
    // The clear is silent for both: neither got the raise.
    expect([...(restarted.observe(sample(MINUTE))[0]?.snoozedFor ?? [])].sort()).toEqual([
      'phone',
      'tablet',
    ]);
  });
});
