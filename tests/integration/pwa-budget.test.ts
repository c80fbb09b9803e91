// The first-load budget is the build's verdict: over it, `npm run build` (and so `npm test` and
// `npm run ship`) fails, naming the size, the budget and the largest asset.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BUDGET_BYTES, checkBudget, measureInitialSize } from '../../scripts/pwa-budget.mjs';
import { REPO_ROOT } from '../fixtures/agent-process.ts';

const PWA_DIR = join(REPO_ROOT, 'dist', 'pwa');

describe('the PWA size budget', () => {
  it('passes the built app, measuring what index.html loads', async () => {
    const size = await checkBudget(PWA_DIR);
    expect(size.gzipBytes).toBeLessThanOrEqual(BUDGET_BYTES);
    expect(size.files.length).toBeGreaterThan(0);
    expect(size.files.some((f) => f.url.endsWith('.js'))).toBe(true);
    expect(size.files.some((f) => f.url.endsWith('.css'))).toBe(true);
    expect(size.gzipBytes).toBe(size.files.reduce((sum, f) => sum + f.gzipBytes, 0));
  });

  it('fails when the first load is over the budget, saying by how much and what is largest', async () => {
    const { gzipBytes, files } = await measureInitialSize(PWA_DIR);
    const largest = [...files].sort((a, b) => b.gzipBytes - a.gzipBytes)[0];
    const budget = gzipBytes - 1;
    await expect(checkBudget(PWA_DIR, budget)).rejects.toThrow(
      `over budget by 1 bytes; the largest initial asset is ${largest?.url}`,
    );
    await expect(checkBudget(PWA_DIR, gzipBytes)).resolves.toMatchObject({ gzipBytes });
  });

  it('builds the same production app whatever NODE_ENV the shell holds', async () => {
    // vitest runs with NODE_ENV=test; `npm start` rebuilding from such a shell once made a larger
    // app that failed the budget. dist/pwa is npm test's own build, made with NODE_ENV unset.
    const outDir = await mkdtemp(join(tmpdir(), 'ipi-pwa-'));
    try {
      const script = `import(${JSON.stringify(join(REPO_ROOT, 'scripts', 'build-pwa.mjs'))}).then((m) => m.buildPwa({ outDir: ${JSON.stringify(outDir)}, log: () => {} }))`;
      for (const NODE_ENV of ['test', 'development']) {
        await promisify(execFile)(process.execPath, ['-e', script], {
          env: { ...process.env, NODE_ENV },
          timeout: 60_000,
        });
        expect(await readFile(join(outDir, 'index.html'), 'utf8'), NODE_ENV).toBe(
          await readFile(join(PWA_DIR, 'index.html'), 'utf8'),
        );
      }
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });
});
