// `npm run ship`: build, then copy what the Pi runs into nix/prebuilt, the Nix package's source.
// The Pi then builds nothing with npm and fetches nothing from a registry: every dependency is
// inside the bundles. tests/integration/prebuilt.test.ts fails when nix/prebuilt is not exactly
// what a fresh build of the commit makes, so run this and commit nix/prebuilt with a change.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildDist, PROGRAMS } from './build.mjs';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PREBUILT_DIR = join(repoRoot, 'nix', 'prebuilt');

/**
 * prebuiltTree answers every file nix/prebuilt must hold, by relative path, made from dist/:
 * lib/<program>.mjs, pwa/**, and a package.json with its lockfile that name no dependency (so
 * Nix's importNpmLock has nothing to fetch).
 */
export async function prebuiltTree(root = repoRoot) {
  const dist = join(root, 'dist');
  const files = new Map();
  for (const { name } of PROGRAMS) {
    files.set(`lib/${name}.mjs`, await readFile(join(dist, 'agent', `${name}.mjs`)));
  }
  for (const entry of await readdir(join(dist, 'pwa'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(dist, path).split(sep).join('/'), await readFile(path));
  }
  const { name, version, description, license } = JSON.parse(
    await readFile(join(root, 'package.json'), 'utf8'),
  );
  const manifest = { name, version, description, license, private: true };
  const lock = {
    name,
    version,
    lockfileVersion: 3,
    requires: true,
    packages: { '': { name, version, license } },
  };
  files.set('package.json', json(manifest));
  files.set('package-lock.json', json(lock));
  return files;
}

const json = (value) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`);

/** listTree answers the relative path of every file under dir (none when it is missing). */
export async function listTree(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await buildDist();
  const files = await prebuiltTree();
  await rm(PREBUILT_DIR, { recursive: true, force: true });
  for (const [path, bytes] of files) {
    await mkdir(dirname(join(PREBUILT_DIR, path)), { recursive: true });
    await writeFile(join(PREBUILT_DIR, path), bytes);
  }
  const kb = [...files.values()].reduce((sum, bytes) => sum + bytes.length, 0) / 1024;
  console.log(
    `nix/prebuilt: ${files.size} files, ${kb.toFixed(0)} KB. Commit it with your change.`,
  );
}
