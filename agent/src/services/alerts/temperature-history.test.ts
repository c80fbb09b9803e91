import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { memoryFile } from '../../adapters/state-store/memory.fixtures.ts';
import {
  BUCKET_SECONDS,
  emptyTemperatureFile,
  MAX_BUCKETS,
  TemperatureFile,
  TemperatureHistory,
} from './temperature-history.ts';

const HOUR = 3600_000;
const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);

describe('TemperatureHistory', () => {
  it('keeps min, max and mean per 5-minute bucket and skips unreadable samples', () => {
    const history = new TemperatureHistory();
    for (const [s, c] of [
      [0, 50],
      [10, 54],
      [20, null],
      [30, 52.04],
    ] as const) {
      history.add(T0 + s * 1000, c);
    }
    history.add(T0 + BUCKET_SECONDS * 1000, 60);
    expect(history.points(T0 + HOUR)).toEqual([
      { at: T0, minC: 50, maxC: 54, meanC: 52 },
      { at: T0 + BUCKET_SECONDS * 1000, minC: 60, maxC: 60, meanC: 60 },
    ]);
  });

  it('holds 24 hours at most, whatever the sample rate', () => {
    const history = new TemperatureHistory();
    for (let s = 0; s < 30 * 3600; s += 10) history.add(T0 + s * 1000, 40 + (s % 7));
    const now = T0 + 30 * HOUR;
    const points = history.points(now);
    expect(points).toHaveLength((24 * 3600) / BUCKET_SECONDS);
    expect(points[0]?.at).toBe(now - 24 * HOUR);
    expect(points.at(-1)?.at).toBeLessThanOrEqual(now);
  });

  it('starts again when the wall clock steps back', () => {
    const history = new TemperatureHistory();
    history.add(T0 + 10 * HOUR, 70);
    history.add(T0, 45);
    expect(history.points(T0 + 1000)).toEqual([{ at: T0, minC: 45, maxC: 45, meanC: 45 }]);
  });
});

describe('TemperatureHistory kept in a state file', () => {
  it('starts from the buckets kept and writes once a bucket closes, not at every sample', async () => {
    const kept = { start: T0, min: 61, max: 65, sum: 126, count: 2 };
    const state = memoryFile({ buckets: [kept] });
    const writes: unknown[] = [];
    const update = state.update.bind(state);
    state.update = (change) => {
      writes.push(change(state.value));
      return update(change);
    };
    const history = new TemperatureHistory({ state });
    expect(history.points(T0 + HOUR)).toEqual([{ at: T0, minC: 61, maxC: 65, meanC: 63 }]);

    history.add(T0 + 60_000, 67); // the same bucket, after a restart inside it
    history.add(T0 + 70_000, 66);
    expect(writes).toHaveLength(0);
    history.add(T0 + BUCKET_SECONDS * 1000, 50);
    expect(writes).toHaveLength(1);
    expect(state.value.buckets).toEqual([
      { start: T0, min: 61, max: 67, sum: 259, count: 4 },
      { start: T0 + BUCKET_SECONDS * 1000, min: 50, max: 50, sum: 50, count: 1 },
    ]);
    await history.save();
    expect(writes).toHaveLength(2);
  });

  it('holds at most a day of buckets in the file', () => {
    const state = memoryFile(emptyTemperatureFile());
    const history = new TemperatureHistory({ state });
    for (let s = 0; s < 30 * 3600; s += 60) history.add(T0 + s * 1000, 45);
    expect(state.value.buckets.length).toBeLessThanOrEqual(MAX_BUCKETS);
    expect(v.safeParse(TemperatureFile, state.value).success).toBe(true);
  });

  it('keeps its history when an unsynchronized clock is behind it, and drops it once synced', () => {
    let synced = false;
    const state = memoryFile({ buckets: [{ start: T0, min: 60, max: 60, sum: 60, count: 1 }] });
    const history = new TemperatureHistory({ state, synced: () => synced });
    history.add(T0 - 3 * HOUR, 40); // booted with a guessed clock
    expect(history.points(T0 + 1000)).toEqual([{ at: T0, minC: 60, maxC: 60, meanC: 60 }]);
    synced = true;
    history.add(T0 - 3 * HOUR, 41);
    expect(history.points(T0 - 3 * HOUR + 1000)).toEqual([
      { at: T0 - 3 * HOUR, minC: 41, maxC: 41, meanC: 41 },
    ]);
  });

  it('orders a kept file and drops repeated or misaligned buckets', () => {
    const b = (start: number, c: number) => ({ start, min: c, max: c, sum: c, count: 1 });
    const step = BUCKET_SECONDS * 1000;
    const state = memoryFile({
      buckets: [
        b(T0 + step, 2),
        b(T0, 1),
        b(T0, 9),
        b(T0 + 7, 3),
        { ...b(T0 + 2 * step, 4), min: 5 },
      ],
    });
    const points = new TemperatureHistory({ state }).points(T0 + HOUR);
    expect(points.map((p) => p.meanC)).toEqual([1, 2]);
  });

  it('logs a failed write and goes on', async () => {
    const errors: string[] = [];
    const state = memoryFile(emptyTemperatureFile());
    state.update = async () => {
      throw new Error('disk full');
    };
    const log = { info() {}, error: (message: string) => errors.push(message) };
    const history = new TemperatureHistory({ state, log });
    history.add(T0, 50);
    await history.save();
    expect(errors).toEqual([
      'could not save the temperature history',
      'could not save the temperature history',
    ]);
    expect(history.points(T0 + 1000)).toHaveLength(1);
  });
});
