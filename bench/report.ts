// One shape and one printer for every bench, so each says measured, baseline, ratio and target alike.
import { availableParallelism, cpus, loadavg, platform, release } from 'node:os';

/** BenchResult is one summary row; `met` only picks the ✓ or ✗, nothing fails on it. */
export interface BenchResult {
  name: string;
  measured: string;
  baseline: string;
  ratio: string;
  target: string;
  met: boolean;
}

/** median answers the middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (i: number) => sorted[i] ?? Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
}

/** percentile answers the nearest-rank p-th percentile (0 < p ≤ 100) of ascending values. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

/** mark is the verdict printed next to a target. */
export const mark = (met: boolean) => (met ? '✓' : '✗');

/** ms formats milliseconds for people. */
export const ms = (value: number) => `${value.toFixed(1)} ms`;

/** thousands formats a count with thousands separators. */
export const thousands = (value: number) => Math.round(value).toLocaleString('en-US');

/** printSection prints a bench's heading and its detail lines as it finishes. */
export function printSection(title: string, lines: readonly string[]): void {
  console.log(`\n${title}`);
  for (const line of lines) console.log(`  ${line}`);
}

/**
 * machineFacts says what the numbers were measured on, with the 1-minute load average: anything
 * else busy on these cores (a test run, a build) lowers the throughput and raises the times.
 */
export function machineFacts(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const load = loadavg()[0]?.toFixed(2);
  return `nproc ${availableParallelism()}, ${cpu}, node ${process.version}, ${platform()} ${release()}, load average ${load}`;
}

/** printSummary prints every result as one aligned table row, with the machine facts above. */
export function printSummary(results: readonly BenchResult[]): void {
  const header = ['bench', 'measured', 'baseline (same run)', 'ratio', 'target'];
  const rows = results.map((r) => [
    r.name,
    r.measured,
    r.baseline,
    r.ratio,
    `${r.target} ${mark(r.met)}`,
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
  console.log(`\nSummary (${machineFacts()})`);
  console.log(`  ${line(header)}`);
  for (const row of rows) console.log(`  ${line(row)}`);
}
