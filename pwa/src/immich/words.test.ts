import { describe, expect, it } from 'vitest';
import { guard, immich, queue } from './fixtures.ts';
import {
  guardWords,
  jobActions,
  KEY_COMMAND,
  localClock,
  queueLine,
  quietLine,
  tileKind,
} from './words.ts';

// A pinned clock: the words are tested, not the phone's locale.
const clock = (ms: number) => `@${ms}`;

describe('queueLine', () => {
  it('says each busy queue by its label, with digit groups, and leaves idle ones out', () => {
    const line = queueLine([
      queue('thumbnailGeneration', { waiting: 1204, active: 2 }),
      queue('videoConversion', { waiting: 12 }),
      queue('smartSearch', { paused: true }),
      queue('faceDetection'),
      queue('metadataExtraction', { active: 1 }),
    ]);
    expect(line).toBe(
      'Thumbnails: 1,204 waiting · Video: 12 waiting · Smart search: paused · Metadata: 1 running',
    );
  });

  it('says a paused queue with work held back, and a queue it does not know by its own name', () => {
    expect(
      queueLine([
        queue('faceDetection', { paused: true, waiting: 40 }),
        queue('newThing', { label: 'newThing', waiting: 3 }),
      ]),
    ).toBe('Face detection: paused (40 waiting) · newThing: 3 waiting');
  });

  it('says "Nothing waiting" when every queue is idle, or none was reported', () => {
    expect(queueLine([queue('thumbnailGeneration'), queue('videoConversion')])).toBe(
      'Nothing waiting',
    );
    expect(queueLine([])).toBe('Nothing waiting');
  });
});

describe('guardWords', () => {
  it('says since when the guard paused the queues or capped the CPU', () => {
    expect(guardWords(guard({ state: 'paused', reason: 'hot', since: 5 }), clock)).toBe(
      'Paused by the thermal guard since @5',
    );
    expect(
      guardWords(guard({ state: 'capped', reason: 'hot', since: 7, capped: true }), clock),
    ).toBe('CPU capped by the thermal guard since @7');
    expect(guardWords(guard({ state: 'paused', reason: 'throttled', since: 9 }), clock)).toBe(
      'Paused by the thermal guard since @9 (the Pi reports throttling)',
    );
  });

  it('says a resume by hand, the guard off, and what it would do when idle', () => {
    expect(guardWords(guard({ state: 'overridden', since: 3 }), clock)).toBe(
      'Resumed by hand; the guard waits for the Pi to cool',
    );
    expect(guardWords(guard({ state: 'off' }), clock)).toBe('Thermal guard off');
    const idle = guard();
    idle.settings.pauseC = 72.5;
    expect(guardWords(idle, clock)).toBe('Thermal guard on: pauses heavy jobs at 72.5 °C');
  });
});

describe('localClock', () => {
  it('shows a time of today without the date, another day with it, on this phone’s clock', () => {
    const now = new Date(2026, 11, 4, 15, 0).getTime();
    const at = new Date(2026, 11, 4, 14, 2).getTime();
    const time = new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    expect(localClock(now, 0)(at)).toBe(time);
    // The agent's clock runs 60 s ahead: its 14:03 is this phone's 14:02.
    expect(localClock(now, 60_000)(at + 60_000)).toBe(time);
    const yesterday = localClock(now, 0)(at - 24 * 3600_000);
    expect(yesterday).not.toBe(time);
    expect(yesterday.endsWith(time)).toBe(true);
  });
});

describe('jobActions', () => {
  it('offers an admin Pause while heavy queues run, Resume once one is paused', () => {
    expect(jobActions(immich(), true)).toEqual(['pause']);
    const paused = immich({
      queues: [
        queue('thumbnailGeneration', { paused: true }),
        queue('videoConversion', { paused: true }),
        queue('smartSearch', { paused: true }),
      ],
      guard: guard({ state: 'paused', since: 1, pausedQueues: ['thumbnailGeneration'] }),
    });
    expect(jobActions(paused, true)).toEqual(['resume']);
    // Some paused by a person, some running: both.
    const mixed = immich({
      queues: [queue('thumbnailGeneration', { paused: true }), queue('videoConversion')],
    });
    expect(jobActions(mixed, true)).toEqual(['pause', 'resume']);
  });

  it('offers nothing to a viewer, nor while Immich cannot be asked', () => {
    expect(jobActions(immich(), false)).toEqual([]);
    for (const state of ['no-key', 'key-refused', 'unreachable', 'locked'] as const)
      expect(jobActions(immich({ state, message: 'x' }), true)).toEqual([]);
  });

  it('ignores a paused queue that is not heavy', () => {
    const light = immich({
      queues: [queue('thumbnailGeneration'), queue('metadataExtraction', { paused: true })],
    });
    expect(jobActions(light, true)).toEqual(['pause']);
  });
});

describe('tileKind and the key how-to', () => {
  it('shows queues when ok, a problem for a key or Immich trouble, one quiet line when locked', () => {
    expect(tileKind(immich())).toBe('queues');
    for (const state of [
      'no-key',
      'key-unsafe',
      'key-refused',
      'unreachable',
      'bad-answer',
    ] as const)
      expect(tileKind(immich({ state }))).toBe('problem');
    expect(tileKind(immich({ state: 'locked' }))).toBe('quiet');
  });

  it('says the agent’s words when locked, or ours when it sent none', () => {
    expect(quietLine(immich({ state: 'locked', message: 'Immich waits for the drive.' }))).toBe(
      'Immich waits for the drive.',
    );
    expect(quietLine(immich({ state: 'locked', message: '' }))).toBe(
      'Immich is stopped while the drive is locked.',
    );
  });

  it('stores the key where the agent reads it by default, readable by its group only', () => {
    expect(KEY_COMMAND).toBe(
      'sudo install -D -m 0640 -g immich-pi-agent /dev/stdin /mnt/immich_drive/secrets/immich-pi-api-key',
    );
  });
});
