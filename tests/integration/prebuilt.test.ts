// What the Nix package installs (nix/prebuilt, issue 10): exactly what a fresh `npm run build` of
// this commit makes, with no dependency for Nix to fetch; and the root programs' bundles hold only
// their own code.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { nodeBundle, PROGRAMS } from '../../scripts/build.mjs';
import { listTree, PREBUILT_DIR, prebuiltTree } from '../../scripts/ship.mjs';
import { REPO_ROOT } from '../fixtures/agent-process.ts';

const STALE =
  'nix/prebuilt is not what `npm run build` makes of this commit: run `npm run ship` and commit nix/prebuilt';

describe('nix/prebuilt', () => {
  it('is byte for byte what a fresh build of this commit makes', async () => {
    // npm test builds dist/ from this commit just before the tests run.
    const expected = await prebuiltTree();
    const actual = await listTree(PREBUILT_DIR);
    expect(actual.sort(), STALE).toEqual([...expected.keys()].sort());
    const differing: string[] = [];
    for (const [path, bytes] of expected) {
      if (!bytes.equals(await readFile(join(PREBUILT_DIR, path)))) differing.push(path);
    }
    expect(differing, STALE).toEqual([]);
  });

  it('holds the three programs, the app, and a manifest that names no dependency', async () => {
    const files = await listTree(PREBUILT_DIR);
    expect(files).toEqual(
      expect.arrayContaining([
        ...PROGRAMS.map(({ name }) => `lib/${name}.mjs`),
        'pwa/index.html',
        'pwa/sw.js',
        'pwa/manifest.webmanifest',
      ]),
    );
    const manifest = JSON.parse(await readFile(join(PREBUILT_DIR, 'package.json'), 'utf8'));
    const lock = JSON.parse(await readFile(join(PREBUILT_DIR, 'package-lock.json'), 'utf8'));
    expect(manifest).not.toHaveProperty('dependencies');
    expect(manifest).not.toHaveProperty('devDependencies');
    // importNpmLock fetches each entry's `resolved`: with the root alone there is nothing to fetch.
    expect(Object.keys(lock.packages)).toEqual(['']);
    expect(JSON.stringify(lock)).not.toMatch(/resolved|integrity/);
  });
});

/** closure answers every source file esbuild puts into a program's bundle. */
async function closure(entry: string): Promise<string[]> {
  const result = await build({
    ...nodeBundle,
    entryPoints: [join(REPO_ROOT, entry)],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.keys(result.metafile?.inputs ?? {}).sort();
}

const entryOf = (name: string) => PROGRAMS.find((p) => p.name === name)?.entry ?? '';

describe('the bundles that run as root', () => {
  it('the helper holds only its own code: no agent config, API, HTTP or push', async () => {
    const inputs = await closure(entryOf('immich-pi-helper'));
    // What the helper may use outside agent/src/helper/: the one process runner, bounded file and
    // journal reads, the listing of Immich's dump directory (names and sizes, no link followed),
    // the crash-safe state file of its wrong-passphrase record and its rule, the config
    // primitives (paths, unit names, time limits) it shares with the agent's config, and the one
    // JSON-against-a-schema reader (parse-json.ts: valibot only).
    const allowed = [
      /^agent\/src\/(config-primitives|parse-json)\.ts$/,
      /^agent\/src\/helper\/[a-z-]+\.ts$/,
      /^agent\/src\/adapters\/(run-command|files|journal|dump-dir)\.ts$/,
      /^agent\/src\/adapters\/state-store\/[a-z-]+\.ts$/,
      /^agent\/src\/domain\/passphrase-limit\.ts$/,
      /^node_modules\/valibot\//,
    ];
    expect(inputs).toContain('agent/src/helper/main.ts');
    expect(inputs.filter((input) => !allowed.some((pattern) => pattern.test(input)))).toEqual([]);
    expect(inputs).not.toContain('agent/src/config.ts');
  });

  it('report-backup holds no HTTP server, push or pairing code', async () => {
    const inputs = await closure(entryOf('immich-pi-report-backup'));
    expect(inputs).toContain('agent/src/services/backups/report.ts');
    const forbidden =
      /node_modules\/(hono|@hono|web-push|tweetnacl|qrcode-terminal)\/|agent\/src\/(routes|middleware|helper)\//;
    expect(inputs.filter((input) => forbidden.test(input))).toEqual([]);
  });

  it('verify-backup holds no HTTP server, push or pairing code', async () => {
    const inputs = await closure(entryOf('immich-pi-verify-backup'));
    expect(inputs).toContain('agent/src/services/recovery/drill.ts');
    const forbidden =
      /node_modules\/(hono|@hono|web-push|tweetnacl|qrcode-terminal)\/|agent\/src\/(routes|middleware|helper)\//;
    expect(inputs.filter((input) => forbidden.test(input))).toEqual([]);
  });

  it('the agent CLI holds neither root program', async () => {
    const inputs = await closure(entryOf('immich-pi-agent'));
    expect(inputs).not.toContain('agent/src/helper/main.ts');
    expect(inputs).not.toContain('agent/src/cli/report-backup.ts');
    expect(inputs).not.toContain('agent/src/cli/verify-backup.ts');
    expect(inputs).not.toContain('agent/src/helper/verbs.ts');
  });
});
