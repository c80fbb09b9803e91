// Each state rule of the §10 table, driven through AlertEngine.observe with a pinned clock.
import { describe, expect, it } from 'vitest';
import { type AlertChange, AlertEngine, DEFAULT_THRESHOLDS, type Observation } from './engine.ts';

const T0 = Date.UTC(2026, 4, 1, 12, 0, 0);

/** A pinned clock and a healthy running Pi; each sample moves time by the seconds given. */
function pi(engine = new AlertEngine(DEFAULT_THRESHOLDS)) {
  let mono = 1_000_000;
  let wall = T0;
  const base: Observation = {
    mono,
    wall,
    bootId: 'boot-a',
    temperatureC: 50,
    undervoltage: false,
    disks: [
      { id: 'sd', usedPercent: 40 },
      { id: 'drive', usedPercent: 50 },
    ],
    drive: 'running',
    operation: null,
    lastOperation: null,
    units: [
      { unit: 'postgresql.service', label: 'Postgres', state: 'active' },
      { unit: 'immich-server.service', label: 'Immich', state: 'active' },
    ],
  };
  return {
    engine,
    /** sample advances the clock by `seconds`, then observes base plus `change`. */
    sample(seconds: number, change: Partial<Observation> = {}): AlertChange[] {
      mono += seconds * 1000;
      wall += seconds * 1000;
      Object.assign(base, change);
      return engine.observe({ ...base, mono, wall });
    },
  };
}

const ids = (changes: AlertChange[]) => changes.map((c) => `${c.type} ${c.alert.id}`);
const units = (immich: Observation['units'][number]['state']): Observation['units'] => [
  { unit: 'postgresql.service', label: 'Postgres', state: 'active' },
  { unit: 'immich-server.service', label: 'Immich', state: immich },
];

describe('temp-high', () => {
  it('raises after 2 minutes at 80 °C or more, with the rounded temperature in the title', () => {
    const p = pi();
    expect(p.sample(0)).toEqual([]);
    expect(p.sample(10, { temperatureC: 80.4 })).toEqual([]);
    expect(p.sample(119)).toEqual([]); // 119 s of heat: the hold is not reached
    const [change] = p.sample(1);
    expect(change?.type).toBe('raised');
    expect(change?.alert).toMatchObject({
      id: 'temp-high',
      title: 'Pi is overheating (80 °C)',
      critical: true,
      navigate: '/alerts',
      raisedAt: T0 + 130_000,
    });
    expect(change?.notify).toBe(true);
    expect(p.sample(10, { temperatureC: 90 })).toEqual([]); // steady: nothing new
  });

  it('restarts the hold when the heat is broken by a cooler or unreadable sample', () => {
    const p = pi();
    p.sample(0, { temperatureC: 85 });
    p.sample(100, { temperatureC: 79 });
    p.sample(10, { temperatureC: 85 });
    p.sample(100, { temperatureC: null });
    p.sample(10, { temperatureC: 85 });
    expect(p.sample(110)).toEqual([]);
    expect(ids(p.sample(10))).toEqual(['raised temp-high']);
  });

  it('restarts the hold on a sample in the hysteresis band', () => {
    const p = pi();
    p.sample(0, { temperatureC: 85 });
    p.sample(100, { temperatureC: 79 });
    p.sample(10, { temperatureC: 85 });
    expect(p.sample(110)).toEqual([]); // 220 s since the first hot sample, 110 s since the last break
    expect(ids(p.sample(10))).toEqual(['raised temp-high']);
  });

  it('clears after 5 minutes under 72 °C; between 72 and 80 it stays as it is', () => {
    const p = pi();
    p.sample(0, { temperatureC: 85 });
    expect(ids(p.sample(120))).toEqual(['raised temp-high']);
    expect(p.sample(10, { temperatureC: 75 })).toEqual([]);
    expect(p.sample(3600)).toEqual([]); // an hour in the band: still active
    expect(p.engine.active().map((a) => a.id)).toEqual(['temp-high']);
    expect(p.sample(10, { temperatureC: 71 })).toEqual([]);
    expect(p.sample(299)).toEqual([]);
    const [change] = p.sample(1);
    expect(change).toMatchObject({ type: 'resolved', notify: true });
    expect(change?.alert).toMatchObject({
      title: 'Resolved: Pi is overheating (85 °C)',
      body: 'The Pi has cooled down.',
    });
    expect(p.engine.active()).toEqual([]);
  });

  it('raises at once with a hold of 0', () => {
    const p = pi(new AlertEngine({ ...DEFAULT_THRESHOLDS, tempHighHoldSeconds: 0 }));
    expect(ids(p.sample(0, { temperatureC: 80 }))).toEqual(['raised temp-high']);
  });
});

describe('undervoltage', () => {
  it('raises at once and clears after 5 minutes without the alarm', () => {
    const p = pi();
    expect(ids(p.sample(0, { undervoltage: true }))).toEqual(['raised undervoltage']);
    p.sample(10, { undervoltage: false });
    p.sample(200, { undervoltage: true }); // the alarm again restarts the clear hold
    p.sample(10, { undervoltage: false });
    expect(p.sample(299)).toEqual([]);
    expect(ids(p.sample(1))).toEqual(['resolved undervoltage']);
  });

  it('neither raises nor clears without a sensor', () => {
    const p = pi();
    p.sample(0, { undervoltage: true });
    expect(p.sample(10_000, { undervoltage: null })).toEqual([]);
    expect(p.engine.active().map((a) => a.id)).toEqual(['undervoltage']);
  });
});

describe('disk-full', () => {
  it('raises and clears per disk, with hysteresis between 85 and 90 %', () => {
    const p = pi();
    const [sd] = p.sample(0, {
      disks: [
        { id: 'sd', usedPercent: 92.6 },
        { id: 'drive', usedPercent: 50 },
      ],
    });
    expect(sd).toMatchObject({ type: 'raised', notify: true });
    expect(sd?.alert).toMatchObject({ id: 'disk-full:sd', title: 'The SD card is 93 % full' });
    const drive = p.sample(10, {
      disks: [
        { id: 'sd', usedPercent: 87 },
        { id: 'drive', usedPercent: 90 },
      ],
    });
    expect(drive.map((c) => c.alert.title)).toEqual(['The photo drive is 90 % full']);
    expect(
      ids(
        p.sample(10, {
          disks: [
            { id: 'sd', usedPercent: 84.9 },
            { id: 'drive', usedPercent: 89 },
          ],
        }),
      ),
    ).toEqual(['resolved disk-full:sd']);
  });

  it('keeps an unlisted disk as it was, but a locked drive clears the drive silently', () => {
    const p = pi();
    p.sample(0, { disks: [{ id: 'drive', usedPercent: 95 }] });
    expect(p.sample(10, { disks: [], drive: 'degraded' })).toEqual([]);
    expect(p.engine.active().map((a) => a.id)).toEqual(['disk-full:drive']);
    p.sample(10, { operation: 'lock', drive: 'locking' });
    const changes = p.sample(10, { operation: null, drive: 'locked' });
    expect(changes).toMatchObject([{ type: 'resolved', notify: false }]);
    expect(changes[0]?.alert.id).toBe('disk-full:drive');
  });
});

describe('drive-gone', () => {
  it('raises when the drive vanishes while running, and clears when it is back', () => {
    const p = pi();
    p.sample(0);
    const [gone] = p.sample(10, { drive: 'missing', disks: [] });
    expect(gone).toMatchObject({ type: 'raised', notify: true });
    expect(gone?.alert).toMatchObject({ id: 'drive-gone', critical: true, navigate: '/' });
    expect(p.sample(10, { drive: 'locked' })).toEqual([]); // mapper gone: still gone
    p.sample(10, { operation: 'unlock', drive: 'unlocking' });
    expect(ids(p.sample(10, { operation: null, drive: 'running' }))).toEqual([
      'resolved drive-gone',
    ]);
  });

  it('is not armed before the drive was seen running', () => {
    const p = pi();
    p.sample(0, { drive: 'locked', disks: [] });
    expect(ids(p.sample(10, { drive: 'missing' }))).toEqual([]);
  });

  it('stays quiet through a lock and clears silently when the owner locks', () => {
    const p = pi();
    p.sample(0);
    expect(p.sample(10, { operation: 'lock', drive: 'locking' })).toEqual([]);
    expect(p.sample(10, { operation: null, drive: 'locked', disks: [] })).toEqual([]);
    expect(p.sample(10, { drive: 'missing' })).toEqual([]); // unplugged after locking: fine
    // A sample taken as a lock starts, before the drive shows locking, disarms too.
    const r = pi();
    r.sample(0);
    r.sample(10, { operation: 'lock' });
    expect(r.sample(10, { operation: null, drive: 'missing', disks: [] })).toEqual([]);
    // Locking after a drop: the drive is not "back", so the clear is silent.
    const q = pi();
    q.sample(0);
    q.sample(10, { drive: 'missing', disks: [] });
    expect(q.sample(10, { operation: 'lock', drive: 'locking' })).toMatchObject([
      { type: 'resolved', notify: false, alert: { id: 'drive-gone' } },
    ]);
  });

  it('stays quiet after a lock that no sample saw running', () => {
    // A lock is shorter than a sample interval: running, then already locked.
    const p = pi();
    p.sample(0, { lastOperation: 'unlock' });
    expect(p.sample(10, { drive: 'locked', lastOperation: 'lock', disks: [] })).toEqual([]);
    expect(p.sample(10, { drive: 'missing' })).toEqual([]); // unplugged after locking: fine
    expect(p.engine.active()).toEqual([]);
    expect(p.engine.history()).toEqual([]);
  });

  it('is not re-armed after a lock by a probe taken before the lock ended', () => {
    // A status read in flight as the lock ends: still mapped and mounted, services stopped.
    const p = pi();
    p.sample(0);
    expect(p.sample(10, { drive: 'degraded', lastOperation: 'lock' })).toEqual([]);
    expect(p.sample(10, { drive: 'locked', disks: [] })).toEqual([]);
  });

  it('stays disarmed after a lock that failed halfway, until an unlock brings the drive up', () => {
    const p = pi();
    p.sample(0);
    p.sample(10, { operation: 'lock', lastOperation: 'lock', drive: 'locking' });
    expect(p.sample(10, { operation: null, drive: 'failed' })).toEqual([]);
    expect(p.sample(10, { drive: 'missing', disks: [] })).toEqual([]);
    p.sample(10, { drive: 'degraded' }); // plugged back, mapping still open: no unlock yet
    expect(p.sample(10, { drive: 'missing' })).toEqual([]);
    p.sample(10, { operation: 'unlock', lastOperation: 'unlock', drive: 'unlocking' });
    p.sample(10, { operation: null, drive: 'running' });
    expect(ids(p.sample(10, { drive: 'missing' }))).toEqual(['raised drive-gone']);
  });

  it('is not raised by a drive already locked when the agent starts', () => {
    const p = pi();
    expect(ids(p.sample(0, { drive: 'locked', disks: [] }))).toEqual(['raised locked-after-boot']);
    expect(p.sample(10, { drive: 'missing' })).toEqual([]);
    // The same boot, a new agent process (its holds are fresh, the boot is settled).
    const again = pi(new AlertEngine(DEFAULT_THRESHOLDS, p.engine.toJSON()));
    expect(again.sample(0, { drive: 'locked', disks: [] })).toEqual([]);
  });

  it('is stood down by a lock as it starts, silently, with no sample needed', () => {
    const p = pi();
    p.sample(0);
    p.sample(10, { drive: 'missing', disks: [] });
    expect(p.engine.lockStarted(1, T0)).toMatchObject([
      { type: 'resolved', notify: false, alert: { id: 'drive-gone' } },
    ]);
    expect(p.engine.active()).toEqual([]);
    expect(p.sample(10, { drive: 'locked', lastOperation: 'lock' })).toEqual([]);
    // Heard before any sample saw it, a lock disarms too.
    const q = pi();
    q.sample(0);
    expect(q.engine.lockStarted(1, T0)).toEqual([]);
    expect(q.sample(10, { drive: 'missing', disks: [] })).toEqual([]);
  });

  it('re-arms only when an unlock reaches running', () => {
    const p = pi();
    p.sample(0, { drive: 'locked', disks: [] });
    p.sample(10, { operation: 'unlock', drive: 'unlocking' });
    expect(p.sample(10, { operation: 'unlock', drive: 'missing' })).toEqual([]);
    p.sample(10, { operation: null, drive: 'running' });
    expect(ids(p.sample(10, { drive: 'missing' }))).toEqual(['raised drive-gone']);
  });
});

describe('service-down', () => {
  it('raises after 2 minutes not active while running, named by its label, and clears on active', () => {
    const p = pi();
    p.sample(0, { units: units('failed') });
    expect(p.sample(119)).toEqual([]);
    const [down] = p.sample(1);
    expect(down?.alert).toMatchObject({
      id: 'service-down:immich-server.service',
      title: 'Immich stopped',
    });
    expect(down?.alert.critical).toBe(false);
    expect(ids(p.sample(10, { units: units('active') }))).toEqual([
      'resolved service-down:immich-server.service',
    ]);
  });

  it('counts a unit restarting in a loop as down, but not one starting up', () => {
    const p = pi();
    p.sample(0, { units: units('activating') });
    expect(p.sample(600)).toEqual([]);
    p.sample(10, { units: units('failed') });
    p.sample(60, { units: units('activating') });
    expect(ids(p.sample(60))).toEqual(['raised service-down:immich-server.service']);
  });

  it('is judged only while the drive runs and no operation runs', () => {
    const p = pi();
    p.sample(0, { drive: 'locked', units: units('inactive'), disks: [] });
    expect(p.sample(600)).toEqual([]);
    p.sample(10, { operation: 'unlock', drive: 'unlocking' });
    expect(p.sample(600)).toEqual([]);
    p.sample(10, { operation: null, drive: 'degraded' });
    expect(ids(p.sample(120))).toEqual(['raised service-down:immich-server.service']);
  });

  it('clears silently when the drive leaves running', () => {
    const p = pi();
    p.sample(0, { units: units('failed'), drive: 'degraded' });
    p.sample(120);
    expect(p.sample(10, { drive: 'missing', disks: [] })).toMatchObject([
      { type: 'raised', notify: true, alert: { id: 'drive-gone' } },
      { type: 'resolved', notify: false, alert: { id: 'service-down:immich-server.service' } },
    ]);
  });
});

describe('locked-after-boot', () => {
  it('raises once per boot id when the drive is locked, opening Unlock, and clears when running', () => {
    const p = pi();
    const [locked] = p.sample(0, { drive: 'locked', disks: [] });
    expect(locked).toMatchObject({ type: 'raised', notify: true });
    expect(locked?.alert).toMatchObject({
      id: 'locked-after-boot',
      title: 'Pi restarted: storage is locked',
      navigate: '/unlock',
    });
    p.sample(10, { operation: 'unlock', drive: 'unlocking' });
    expect(ids(p.sample(10, { operation: null, drive: 'running' }))).toEqual([
      'resolved locked-after-boot',
    ]);
    p.sample(10, { operation: 'lock', drive: 'locking' });
    expect(p.sample(10, { operation: null, drive: 'locked' })).toEqual([]); // same boot
    expect(ids(p.sample(10, { bootId: 'boot-b' }))).toEqual(['raised locked-after-boot']);
  });

  it('waits for a drive still missing at boot, and settles the boot when the drive is up', () => {
    const p = pi();
    expect(p.sample(0, { drive: 'missing', disks: [] })).toEqual([]);
    expect(ids(p.sample(5, { drive: 'locked' }))).toEqual(['raised locked-after-boot']);
    const q = pi();
    q.sample(0, { drive: 'running' });
    q.sample(10, { operation: 'lock', drive: 'locking' });
    expect(q.sample(10, { operation: null, drive: 'locked' })).toEqual([]);
    expect(q.engine.toJSON().lockedAfterBootFor).toBe('boot-a');
  });
});
