// 24 hours of CPU temperature for Home's chart, in memory only: fixed buckets, so memory stays
// the same whatever the sample interval (ARCHITECTURE §10).
import type { TemperaturePoint } from '../../../../shared/status.ts';

export const HISTORY_HOURS = 24;
export const BUCKET_SECONDS = 300;

interface Bucket {
  /** Wall ms where the bucket starts (a multiple of BUCKET_SECONDS). */
  start: number;
  min: number;
  max: number;
  sum: number;
  count: number;
}

/** TemperatureHistory keeps min, max and mean per 5-minute bucket for the last 24 hours. */
export class TemperatureHistory {
  private readonly buckets: Bucket[] = [];
  private readonly bucketMs = BUCKET_SECONDS * 1000;
  private readonly keepMs = HISTORY_HOURS * 3600 * 1000;

  /** add records one sample; null (an unreadable sensor) leaves a gap. */
  add(wall: number, celsius: number | null): void {
    if (celsius === null || !Number.isFinite(celsius)) return;
    const start = Math.floor(wall / this.bucketMs) * this.bucketMs;
    const last = this.buckets.at(-1);
    if (last && last.start === start) {
      last.min = Math.min(last.min, celsius);
      last.max = Math.max(last.max, celsius);
      last.sum += celsius;
      last.count++;
    } else if (!last || start > last.start) {
      this.buckets.push({ start, min: celsius, max: celsius, sum: celsius, count: 1 });
    } else {
      // The wall clock stepped back (NTP after a boot without RTC): the old buckets lie ahead.
      this.buckets.length = 0;
      this.buckets.push({ start, min: celsius, max: celsius, sum: celsius, count: 1 });
    }
    while (this.buckets.length > 0 && !this.recent(this.buckets[0] as Bucket, wall)) {
      this.buckets.shift();
    }
  }

  /** recent tells whether any of the bucket lies within the 24 hours before wall. */
  private recent(bucket: Bucket, wall: number): boolean {
    return bucket.start + this.bucketMs > wall - this.keepMs;
  }

  /** points answers the buckets of the last 24 hours before `wall`, oldest first. */
  points(wall: number): TemperaturePoint[] {
    const round = (c: number) => Math.round(c * 10) / 10;
    return this.buckets
      .filter((b) => this.recent(b, wall))
      .map((b) => ({
        at: b.start,
        minC: round(b.min),
        maxC: round(b.max),
        meanC: round(b.sum / b.count),
      }));
  }
}
