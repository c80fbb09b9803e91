// The PWA's first-load budget (ARCHITECTURE §12): what index.html loads, gzipped, against 30 KB.
// Its own module, with no Vite in it, so the build and bench 4 share one measurement.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** BUDGET_BYTES is ARCHITECTURE §12's limit for the JS and CSS the first page load needs, gzipped. */
export const BUDGET_BYTES = 30 * 1024;

/**
 * initialAssets lists the scripts, module preloads and stylesheets index.html loads itself:
 * what a phone must fetch before the first screen draws.
 */
export function initialAssets(indexHtml) {
  const urls = [];
  for (const tag of indexHtml.match(/<(script|link)\b[^>]*>/g) ?? []) {
    const src = /\bsrc="([^"]+)"/.exec(tag)?.[1];
    const href = /\bhref="([^"]+)"/.exec(tag)?.[1];
    const rel = /\brel="([^"]+)"/.exec(tag)?.[1];
    if (tag.startsWith('<script') && src) urls.push(src);
    if (tag.startsWith('<link') && href && (rel === 'stylesheet' || rel === 'modulepreload'))
      urls.push(href);
  }
  return urls;
}

/** measureInitialSize answers the gzipped size (level 9) of each initial asset and their total. */
export async function measureInitialSize(outDir) {
  const html = await readFile(join(outDir, 'index.html'), 'utf8');
  const files = [];
  for (const url of initialAssets(html)) {
    const body = await readFile(join(outDir, new URL(url, 'http://app/').pathname));
    files.push({ url, bytes: body.length, gzipBytes: gzipSync(body, { level: 9 }).length });
  }
  const sum = (key) => files.reduce((total, f) => total + f[key], 0);
  return { files, bytes: sum('bytes'), gzipBytes: sum('gzipBytes') };
}

/**
 * checkBudget measures the built app and throws when its first load is over the budget, so an
 * over-budget app fails `npm run build`, and with it `npm test` and `npm run ship`.
 */
export async function checkBudget(outDir, budgetBytes = BUDGET_BYTES) {
  const size = await measureInitialSize(outDir);
  const kb = (bytes) => (bytes / 1024).toFixed(1);
  const line = `PWA initial JS+CSS: ${kb(size.gzipBytes)} KB gzipped (budget ${kb(budgetBytes)} KB)`;
  if (size.gzipBytes > budgetBytes) {
    const largest = [...size.files].sort((a, b) => b.gzipBytes - a.gzipBytes)[0];
    throw new Error(
      `${line}: over budget by ${size.gzipBytes - budgetBytes} bytes; the largest initial asset is ${largest?.url} (${kb(largest?.gzipBytes ?? 0)} KB). Move code behind a lazy import or shrink it.`,
    );
  }
  return { ...size, budgetBytes, line };
}
