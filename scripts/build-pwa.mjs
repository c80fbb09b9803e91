// Builds the PWA into dist/pwa: Vite for the app, esbuild + Workbox for the service worker, then the size budget.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { injectManifest } from 'workbox-build';

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

/** measureInitialSize answers the gzipped size of each initial asset and their total. */
export async function measureInitialSize(outDir) {
  const html = await readFile(join(outDir, 'index.html'), 'utf8');
  const files = [];
  for (const url of initialAssets(html)) {
    const body = await readFile(join(outDir, url.replace(/^\//, '')));
    files.push({ url, bytes: body.length, gzipBytes: gzipSync(body, { level: 9 }).length });
  }
  return { files, gzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0) };
}

/** buildPwa builds dist/pwa and reports the initial JS+CSS size against the budget. */
export async function buildPwa({ repoRoot, log = console.log } = {}) {
  const root = repoRoot ?? join(import.meta.dirname, '..');
  const outDir = join(root, 'dist', 'pwa');
  await viteBuild({ configFile: join(root, 'pwa', 'vite.config.ts'), logLevel: 'warn' });

  const swFile = join(outDir, 'sw.js');
  await esbuild({
    entryPoints: [join(root, 'pwa', 'src', 'sw.ts')],
    outfile: swFile,
    bundle: true,
    format: 'iife',
    minify: true,
    target: 'es2020',
    // Workbox leaves its development logging out when this is "production".
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  const precache = await injectManifest({
    swSrc: swFile,
    swDest: swFile,
    globDirectory: outDir,
    globPatterns: ['index.html', 'manifest.webmanifest', 'assets/**/*', 'icons/**/*'],
    // Hashed names already change with their content: no revision needed.
    dontCacheBustURLsMatching: /^assets\//,
  });
  for (const warning of precache.warnings) log(`workbox: ${warning}`);

  const size = await measureInitialSize(outDir);
  const kb = (bytes) => (bytes / 1024).toFixed(1);
  const verdict = size.gzipBytes <= BUDGET_BYTES ? '' : ' OVER BUDGET';
  log(
    `PWA initial JS+CSS: ${kb(size.gzipBytes)} KB gzipped (budget ${BUDGET_BYTES / 1024} KB)${verdict}`,
  );
  return { outDir, precachedFiles: precache.count, ...size, budgetBytes: BUDGET_BYTES };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await buildPwa();
  if (result.gzipBytes > result.budgetBytes) process.exitCode = 1;
}
