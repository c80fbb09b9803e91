import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../shared/audit.ts';
import type { BackupRunSummary } from '../../../shared/backups.ts';
import { mergeTimeline, whoFor } from './activity-timeline.ts';

const entry = (id: number, at: number, more: Partial<AuditEntry> = {}): AuditEntry => ({
  id,
  at,
  kind: 'unlocked',
  deviceId: null,
  detail: `entry ${id}`,
  ...more,
});
const run = (seq: number, endedAt: number): BackupRunSummary => ({
  id: `run-${seq}`,
  seq,
  startedAt: endedAt - 60_000,
  endedAt,
  durationSeconds: 60,
  result: 'succeeded',
  reason: null,
  flags: [],
  snapshotId: null,
  filesNew: 1,
  filesChanged: 0,
  filesProcessed: 10,
  bytesAdded: 100,
  demo: false,
});
const NO_NAMES = new Map<string, string>();
const keys = (timeline: ReturnType<typeof mergeTimeline>) => timeline.items.map((i) => i.key);

describe('whoFor', () => {
  const names = new Map([['anna', 'Anna’s phone (new name)']]);
  it('names a paired device as it is called now, a removed one as the entry kept it', () => {
    expect(whoFor(entry(1, 1, { deviceId: 'anna', deviceName: 'Anna’s phone' }), names)).toEqual({
      name: 'Anna’s phone (new name)',
      removed: false,
    });
    expect(whoFor(entry(2, 1, { deviceId: 'ben', deviceName: 'Ben’s tablet' }), names)).toEqual({
      name: 'Ben’s tablet',
      removed: true,
    });
  });
  it('says a removed device whose name an older agent did not keep is gone, and no one for none', () => {
    expect(whoFor(entry(3, 1, { deviceId: 'ghost' }), names)).toEqual({
      name: 'A removed device',
      removed: true,
    });
    expect(whoFor(entry(4, 1), names)).toBeNull();
  });
});

describe('mergeTimeline', () => {
  it('interleaves audit entries and backup runs by time, newest first', () => {
    const timeline = mergeTimeline(
      { items: [entry(2, 300), entry(1, 100)], more: false },
      { items: [run(9, 400), run(8, 200)], more: false },
      NO_NAMES,
    );
    expect(keys(timeline)).toEqual(['brun-9', 'a2', 'brun-8', 'a1']);
    expect(timeline.older).toEqual({ audit: false, backups: false });
  });

  it('stops where a list has more to load, and asks only that list for its next page', () => {
    // Runs older than 250 may sit among audit entries not loaded yet: they wait.
    const timeline = mergeTimeline(
      { items: [entry(3, 500), entry(2, 250)], more: true },
      { items: [run(9, 400), run(8, 200), run(7, 50)], more: true },
      NO_NAMES,
    );
    expect(keys(timeline)).toEqual(['a3', 'brun-9', 'a2']);
    expect(timeline.older).toEqual({ audit: true, backups: false });
  });

  it('shows everything once the lists are at their ends, and names each entry’s device', () => {
    const timeline = mergeTimeline(
      { items: [entry(1, 10, { deviceId: 'anna' })], more: false },
      { items: [], more: false },
      new Map([['anna', 'Anna’s phone']]),
    );
    expect(timeline.items).toEqual([
      expect.objectContaining({ key: 'a1', who: { name: 'Anna’s phone', removed: false } }),
    ]);
  });
});
