// The growth rule for bad-sector counts: which counts rose above the baseline, in alert words
// ("Reallocated sectors 8 → 16, pending sectors 0 → 2"). A count the disk stops reporting is no growth.
import { type BadSectorCounts, COUNT_WORDS } from './smart.ts';

/** CountGrowth is one count that rose: its key, its words, and the numbers before and now. */
export interface CountGrowth {
  key: keyof BadSectorCounts;
  words: string;
  before: number;
  now: number;
}

/** grownCounts answers the counts higher now than in the baseline, in COUNT_WORDS' order. */
export function grownCounts(baseline: BadSectorCounts, now: BadSectorCounts): CountGrowth[] {
  const grown: CountGrowth[] = [];
  for (const key of Object.keys(COUNT_WORDS) as (keyof BadSectorCounts)[]) {
    const before = baseline[key];
    const after = now[key];
    if (before === null || after === null || after <= before) continue;
    grown.push({ key, words: COUNT_WORDS[key], before, now: after });
  }
  return grown;
}

/** growthDetail says the growths as one sentence part, the first word capitalised. */
export function growthDetail(growths: readonly CountGrowth[]): string {
  const text = growths.map((g) => `${g.words} ${g.before} → ${g.now}`).join(', ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * nextBaseline is what the next reading is compared with: every count the disk reports now,
 * and the old number of one it did not report this time (a read that missed it proves nothing).
 */
export function nextBaseline(
  baseline: BadSectorCounts | null,
  now: BadSectorCounts,
): BadSectorCounts {
  if (baseline === null) return now;
  const merged = { ...now };
  for (const key of Object.keys(COUNT_WORDS) as (keyof BadSectorCounts)[]) {
    if (merged[key] === null) merged[key] = baseline[key];
  }
  return merged;
}
