// 24 hours of CPU temperature for Home's chart: fixed 5-minute buckets, so memory and the state
// file stay the same size whatever the sample interval (ARCHITECTURE §10). The buckets are kept in
// temperature.json, written when a bucket closes and when the agent stops, so the chart still
// answers "did it overheat?" after a restart; a power cut loses at most the open bucket.
import * as v from 'valibot';
import type { TemperaturePoint } from '../../../../shared/status.ts';
import type { StateFile } from '../../adapters/state-store/index.ts';
import type { Logger } from '../../ports.ts';

export const HISTORY_HOURS = 24;
export const BUCKET_SECONDS = 300;
const BUCKET_MS = BUCKET_SECONDS * 1000;
const KEEP_MS = HISTORY_HOURS * 3600 * 1000;
/** The most buckets 24 hours can touch: 288 whole ones and the one cut at the far edge. */
export const MAX_BUCKETS = KEEP_MS / BUCKET_MS + 1;

const Celsius = v.pipe(v.number(), v.finite(), v.minValue(-100), v.maxValue(200));

const Bucket = v.object({
  /** Wall ms where the bucket starts (a multiple of BUCKET_SECONDS). */
  start: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  min: Celsius,
  max: Celsius,
  sum: v.pipe(v.number(), v.finite()),
  count: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
});
type Bucket = v.InferOutput<typeof Bucket>;

export const TemperatureFile = v.object({
  buckets: v.pipe(v.array(Bucket), v.maxLength(MAX_BUCKETS)),
});
export type TemperatureFile = v.InferOutput<typeof TemperatureFile>;

export const emptyTemperatureFile = (): TemperatureFile => ({ buckets: [] });

export interface TemperatureHistoryOptions {
  /** Where the buckets outlive the process; without it they live in memory only. */
  state?: StateFile<TemperatureFile>;
  /**
   * False while the wall clock is not yet synchronized. A sample before the newest bucket is
   * then dropped, not the history: a Pi without RTC boots with a guessed clock that NTP fixes.
   */
  synced?: () => boolean;
  log?: Logger;
}

/** TemperatureHistory keeps min, max and mean per 5-minute bucket for the last 24 hours. */
export class TemperatureHistory {
  private buckets: Bucket[];

  constructor(private readonly options: TemperatureHistoryOptions = {}) {
    // Kept in order, so a hand-edited file with buckets out of order cannot confuse add().
    this.buckets = [...(options.state?.value.buckets ?? [])]
      .sort((a, b) => a.start - b.start)
      .filter((b, i, all) => i === 0 || b.start !== all[i - 1]?.start)
      .filter((b) => b.start % BUCKET_MS === 0 && b.min <= b.max);
  }

  /** add records one sample; null (an unreadable sensor) leaves a gap. */
  add(wall: number, celsius: number | null): void {
    if (celsius === null || !Number.isFinite(celsius)) return;
    const start = Math.floor(wall / BUCKET_MS) * BUCKET_MS;
    const last = this.buckets.at(-1);
    const fresh = { start, min: celsius, max: celsius, sum: celsius, count: 1 };
    if (last && last.start === start) {
      last.min = Math.min(last.min, celsius);
      last.max = Math.max(last.max, celsius);
      last.sum += celsius;
      last.count++;
      return;
    }
    if (!last || start > last.start) {
      this.buckets.push(fresh);
    } else if (this.options.synced?.() ?? true) {
      // A synchronized clock stepped back: the old buckets lie ahead of it and would never age.
      this.buckets = [fresh];
    } else {
      return; // an unsynchronized clock behind the history: wait for NTP
    }
    this.buckets = this.buckets.filter((b) => recent(b, wall));
    // A bucket closed (or the history restarted): worth one write, at most every 5 minutes.
    void this.save();
  }

  /** save writes the buckets now; the agent calls it as it stops. It never throws. */
  async save(): Promise<void> {
    const { state, log } = this.options;
    if (!state) return;
    const buckets = this.buckets.slice(-MAX_BUCKETS).map((b) => ({ ...b }));
    await state
      .update(() => ({ buckets }))
      .catch((error: unknown) => log?.error('could not save the temperature history', error));
  }

  /** points answers the buckets of the last 24 hours before `wall`, oldest first. */
  points(wall: number): TemperaturePoint[] {
    const round = (c: number) => Math.round(c * 10) / 10;
    return this.buckets
      .filter((b) => recent(b, wall) && b.start <= wall)
      .map((b) => ({
        at: b.start,
        minC: round(b.min),
        maxC: round(b.max),
        meanC: round(b.sum / b.count),
      }));
  }
}

/** recent tells whether any of the bucket lies within the 24 hours before wall. */
function recent(bucket: Bucket, wall: number): boolean {
  return bucket.start + BUCKET_MS > wall - KEEP_MS;
}
