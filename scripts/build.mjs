// `npm run build`: the PWA (Vite + Workbox), then the agent's three programs and the demo, each
// bundled to one file. With --if-needed (used by `npm start`) nothing is rebuilt when dist/ is
// newer than every source. `npm run ship` copies the result to nix/prebuilt (scripts/ship.mjs).
import { chmod, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = ['agent/src', 'shared', 'pwa', 'scripts', 'sandbox-pi', 'package.json'];
/**
 * The programs of the Pi, one bundle each: the agent CLI (unprivileged), and the two that run as
 * root, whose bundles hold only their own code (a test checks the helper's import closure).
 */
export const PROGRAMS = [
  { entry: 'agent/src/cli/index.ts', name: 'immich-pi-agent' },
  { entry: 'agent/src/helper/main.ts', name: 'immich-pi-helper' },
  { entry: 'agent/src/cli/report-backup.ts', name: 'immich-pi-report-backup' },
  { entry: 'agent/src/cli/verify-backup.ts', name: 'immich-pi-verify-backup' },
];
const OUTPUTS = [
  ...PROGRAMS.map(({ name }) => `dist/agent/${name}.mjs`),
  'dist/demo.mjs',
  'dist/pwa/index.html',
  'dist/pwa/sw.js',
];

async function newestMtime(path) {
  const info = await stat(path).catch(() => null);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  const times = await Promise.all(
    entries
      .filter((e) => e.isFile())
      .map((e) => stat(join(e.parentPath, e.name)).then((s) => s.mtimeMs)),
  );
  return Math.max(info.mtimeMs, ...times);
}

async function upToDate() {
  const outputs = await Promise.all(OUTPUTS.map((p) => stat(join(repoRoot, p)).catch(() => null)));
  if (outputs.some((o) => o === null)) return false;
  const oldestOutput = Math.min(...outputs.map((o) => o.mtimeMs));
  const sources = await Promise.all(SOURCES.map((p) => newestMtime(join(repoRoot, p))));
  return Math.max(...sources) < oldestOutput;
}

// One file, so the agent starts without resolving hundreds of modules (cold start is benchmarked).
export const nodeBundle = {
  // Paths in the bundle are relative to the repository, wherever the build runs from, so two
  // builds of one commit are the same bytes (nix/prebuilt is checked against a fresh build).
  absWorkingDir: repoRoot,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'none',
  // Whitespace and syntax only (names stay, for readable stack traces): Node keeps the module's
  // source in memory twice, so every KB of bundle is two of idle RSS, and parse time at start.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  // qrcode-terminal is CommonJS and calls require(); give the ESM bundle a require.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
};

async function buildAll() {
  const started = performance.now();
  const { buildPwa } = await import('./build-pwa.mjs');
  await buildPwa({ repoRoot });
  for (const { entry, name } of PROGRAMS) {
    const outfile = join(repoRoot, `dist/agent/${name}.mjs`);
    await build({ ...nodeBundle, entryPoints: [join(repoRoot, entry)], outfile });
    await chmod(outfile, 0o755);
  }
  await build({
    ...nodeBundle,
    entryPoints: [join(repoRoot, 'scripts/demo.ts')],
    outfile: join(repoRoot, 'dist/demo.mjs'),
  });
  console.log(`Built dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** buildDist builds dist/, or with ifNeeded only when a source is newer than it. */
export async function buildDist({ ifNeeded = false } = {}) {
  if (ifNeeded && (await upToDate())) console.log('dist/ is up to date.');
  else await buildAll();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await buildDist({ ifNeeded: process.argv.includes('--if-needed') }).catch((error) => {
    console.error(`The build failed: ${error.message}`);
    process.exitCode = 1;
  });
}
