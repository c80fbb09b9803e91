// Builds the PWA into dist/pwa: Vite for the app, esbuild + Workbox for the service worker, then the size budget.
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { checkBudget } from './pwa-budget.mjs';

const PRECACHE = /^(index\.html|manifest\.webmanifest|assets\/.+|icons\/.+)$/;

/**
 * injectPrecacheManifest is Workbox's injectManifest step: it replaces `self.__WB_MANIFEST` in the
 * built service worker with the shell's files and their revisions (hashed assets need none, their
 * names change with their content). Done here rather than with workbox-build, which would pull in
 * Rollup and Babel for twenty lines of work. Answers how many files are precached.
 */
export async function injectPrecacheManifest(outDir, swFile) {
  const entries = [];
  for (const entry of await readdir(outDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const url = relative(outDir, path).split(sep).join('/');
    if (!PRECACHE.test(url)) continue;
    const revision = url.startsWith('assets/')
      ? null
      : createHash('sha256')
          .update(await readFile(path))
          .digest('hex')
          .slice(0, 16);
    entries.push({ url: `/${url}`, revision });
  }
  entries.sort((a, b) => a.url.localeCompare(b.url));
  const sw = await readFile(swFile, 'utf8');
  if (sw.split('self.__WB_MANIFEST').length !== 2) {
    throw new Error(`${swFile} must mention self.__WB_MANIFEST exactly once`);
  }
  await writeFile(swFile, sw.replace('self.__WB_MANIFEST', JSON.stringify(entries)));
  return entries.length;
}

/**
 * buildPwa builds dist/pwa (or outDir) and checks the initial JS+CSS size against the budget (it
 * throws when over).
 */
export async function buildPwa({ repoRoot, outDir: into, log = console.log } = {}) {
  const root = repoRoot ?? join(import.meta.dirname, '..');
  const outDir = into ?? join(root, 'dist', 'pwa');
  // Vite builds for whatever NODE_ENV says (vitest sets it to test; a shell may hold development),
  // and a test build is larger and different: the app is always the production one.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await viteBuild({
      configFile: join(root, 'pwa', 'vite.config.ts'),
      mode: 'production',
      build: { outDir, emptyOutDir: true },
      logLevel: 'warn',
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }

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
  const precached = await injectPrecacheManifest(outDir, swFile);

  const size = await checkBudget(outDir);
  log(size.line);
  return { outDir, precachedFiles: precached, ...size };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await buildPwa();
}
