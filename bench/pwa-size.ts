// Bench 4: the JS and CSS the app's first load needs, gzipped, against the 30 KB budget. The
// measurement is the build's own (scripts/pwa-budget.mjs), which fails the build over budget.
import { BUDGET_BYTES, measureInitialSize } from '../scripts/pwa-budget.mjs';
import { type BenchResult, mark, printSection } from './report.ts';

/** benchPwaSize prints each initial asset of the built app, raw and gzipped, and their sum. */
export async function benchPwaSize(pwaDir: string): Promise<BenchResult> {
  const size = await measureInitialSize(pwaDir);
  const kb = (bytes: number) => (bytes / 1024).toFixed(1);
  const budgetKb = BUDGET_BYTES / 1024;
  const met = size.gzipBytes <= BUDGET_BYTES;
  printSection('4. PWA initial JS + CSS (what index.html loads), gzipped', [
    ...size.files.map(
      (f) => `${f.url.padEnd(32)} ${kb(f.bytes)} KB raw, ${kb(f.gzipBytes)} KB gzipped`,
    ),
    `total ${kb(size.gzipBytes)} KB gzipped (${kb(size.bytes)} KB raw)   target ≤ ${budgetKb} KB ${mark(met)}`,
  ]);
  return {
    name: 'PWA initial JS+CSS gzipped',
    measured: `${kb(size.gzipBytes)} KB`,
    baseline: `${kb(size.bytes)} KB raw`,
    ratio: `${((size.gzipBytes / BUDGET_BYTES) * 100).toFixed(0)}% of budget`,
    target: `≤ ${budgetKb} KB`,
    met,
  };
}
