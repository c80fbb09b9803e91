// Bench 4: the JS and CSS the app's first load needs, gzipped, against the 30 KB budget.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type BenchResult, mark, printSection } from './report.ts';

const BUDGET_KB = 30;

/** initialAssetUrls lists what index.html loads itself: scripts, stylesheets, module preloads. */
export function initialAssetUrls(indexHtml: string): string[] {
  const urls: string[] = [];
  for (const tag of indexHtml.match(/<(script|link)\b[^>]*>/g) ?? []) {
    const attr = (name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
    const rel = attr('rel');
    const url = tag.startsWith('<script') ? attr('src') : attr('href');
    if (url && (tag.startsWith('<script') || rel === 'stylesheet' || rel === 'modulepreload')) {
      urls.push(url);
    }
  }
  return urls;
}

/** benchPwaSize gzips (level 9) each initial asset of the built app and sums them. */
export async function benchPwaSize(pwaDir: string): Promise<BenchResult> {
  const urls = initialAssetUrls(await readFile(join(pwaDir, 'index.html'), 'utf8'));
  const files = await Promise.all(
    urls.map(async (url) => {
      const body = await readFile(join(pwaDir, new URL(url, 'http://app/').pathname));
      return { url, kb: body.length / 1024, gzipKb: gzipSync(body, { level: 9 }).length / 1024 };
    }),
  );
  const rawKb = files.reduce((sum, f) => sum + f.kb, 0);
  const gzipKb = files.reduce((sum, f) => sum + f.gzipKb, 0);
  const met = gzipKb <= BUDGET_KB;
  printSection('4. PWA initial JS + CSS (what index.html loads), gzipped', [
    ...files.map(
      (f) => `${f.url.padEnd(32)} ${f.kb.toFixed(1)} KB raw, ${f.gzipKb.toFixed(1)} KB gzipped`,
    ),
    `total ${gzipKb.toFixed(1)} KB gzipped (${rawKb.toFixed(1)} KB raw)   target ≤ ${BUDGET_KB} KB ${mark(met)}`,
  ]);
  return {
    name: 'PWA initial JS+CSS gzipped',
    measured: `${gzipKb.toFixed(1)} KB`,
    baseline: `${rawKb.toFixed(1)} KB raw`,
    ratio: `${((gzipKb / BUDGET_KB) * 100).toFixed(0)}% of budget`,
    target: `≤ ${BUDGET_KB} KB`,
    met,
  };
}
