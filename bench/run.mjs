// `npm run bench`: Node 20 cannot run TypeScript, so bundle the benches with esbuild, then run them.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const benchDir = dirname(fileURLToPath(import.meta.url));
// Inside the repository: the sandbox fixture finds the repo (its stubs, dist/) from its own
// file's location, which in a bundle is the bundle's.
const cache = join(benchDir, '..', 'node_modules', '.cache');
await mkdir(cache, { recursive: true });
const outdir = await mkdtemp(join(cache, 'ipi-bench-'));
try {
  await build({
    entryPoints: [join(benchDir, 'main.ts'), join(benchDir, 'status-server.ts')],
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    // Playwright (bench 11's Chromium) loads its own files at run time: left to node_modules.
    external: ['playwright-core'],
    // qrcode-terminal (reached through the agent's CLI modules) is CommonJS and calls require().
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  const { runBenchmarks } = await import(pathToFileURL(join(outdir, 'main.mjs')).href);
  await runBenchmarks(
    { repoRoot: join(benchDir, '..'), statusServer: join(outdir, 'status-server.mjs') },
    process.argv.slice(2),
  );
} finally {
  await rm(outdir, { recursive: true, force: true });
}
