// `npm run build`: the PWA (Vite + Workbox), then the agent CLI and the demo, each bundled to one file.
// With --if-needed (used by `npm start`) nothing is rebuilt when dist/ is newer than every source.
import { chmod, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = [
  'agent/src',
  'shared',
  'pwa',
  'scripts',
  'tests/fixtures/sandbox-pi',
  'package.json',
];
const OUTPUTS = [
  'dist/agent/immich-pi-agent.mjs',
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
const nodeBundle = {
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
  await build({
    ...nodeBundle,
    entryPoints: [join(repoRoot, 'agent/src/cli/index.ts')],
    outfile: join(repoRoot, 'dist/agent/immich-pi-agent.mjs'),
  });
  await chmod(join(repoRoot, 'dist/agent/immich-pi-agent.mjs'), 0o755);
  await build({
    ...nodeBundle,
    entryPoints: [join(repoRoot, 'scripts/demo.ts')],
    outfile: join(repoRoot, 'dist/demo.mjs'),
  });
  console.log(`Built dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

if (process.argv.includes('--if-needed') && (await upToDate())) {
  console.log('dist/ is up to date.');
} else {
  await buildAll();
}
