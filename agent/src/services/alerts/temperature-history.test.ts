import { describe, expect, it } from 'vitest';
import { BUCKET_SECONDS, TemperatureHistory } from './temperature-history.ts';

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
