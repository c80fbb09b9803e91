// Stub executables of the sandbox Pi (stubs/*.cjs, and cryptsetup's hot path in sh): they log
// their argv and keep their state in the sandbox's files. bin/sandbox.json (bin/sandbox.sh for
// the sh stub) tells them where things are.
import { existsSync, readFileSync } from 'node:fs';
import { chmod, copyFile, cp, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Unit names with one of these suffixes name their type; any other name is a service, as in systemctl. */
const UNIT_SUFFIX = /\.(service|mount|automount|socket|timer|target|path|slice|scope|swap|device)$/;

/** unitFileName completes a unit name the way systemctl does: `postgresql` is `postgresql.service`. */
export function unitFileName(unit: string): string {
  return UNIT_SUFFIX.test(unit) ? unit : `${unit}.service`;
}

/** StubSettings is bin/sandbox.json: what the stubs need to know about this sandbox. */
export interface StubSettings {
  root: string;
  /** The real cryptsetup the stub runs underneath; null simulates it (not installed). */
  realCryptsetup: string | null;
  /** SHA-256 (hex) of the demo passphrase, for the simulated check only. */
  demoPassphraseSha256: string;
  mapperName: string;
  /** The backing device name the open mapping lists under slaves/. */
  slave: string;
  mountUnit: string;
  mountinfo: { base: string; drive: string };
  /** The stub Immich's unit and port, and the key file (host path) it checks x-api-key against. */
  immich: { unit: string; port: number; keyFile: string };
  /**
   * The backup unit (stubs/backup-unit.cjs): its name, its timer, the mount point its condition
   * checks, and the built report-backup program and agent.json its report steps run with.
   */
  backup: {
    unit: string;
    timer: string;
    mountPoint: string;
    reportBackupBin: string;
    agentConfig: string;
  };
  /** The verify unit (stubs/drill-unit.cjs) and the built verify program it runs. */
  drill?: { unit: string; verifyBin: string; agentConfig: string };
}

/**
 * repoRoot finds the repository from this file, bundled (dist/demo.mjs) or not: the nearest
 * directory up whose package.json is this project's.
 */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 10; i++) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'immich-pi') {
      return dir;
    }
    dir = dirname(dir);
  }
  throw new Error('cannot find the immich-pi repository above the sandbox fixture');
}

/** Executables (names without a dot) and their parts, by name in bin/, from stubs/<file>. */
const STUBS: Record<string, string> = {
  systemctl: 'systemctl.sh',
  'systemctl.cjs': 'systemctl.cjs',
  cryptsetup: 'cryptsetup.sh',
  'cryptsetup.cjs': 'cryptsetup.cjs',
  'log-call.awk': 'log-call.awk',
  journalctl: 'journalctl.cjs',
  'stub-common.cjs': 'common.cjs',
  'immich-stub.cjs': 'immich-stub.cjs',
  rustic: 'rustic.cjs',
  'backup-unit.cjs': 'backup-unit.cjs',
  'backup-run.cjs': 'backup-run.cjs',
  'rustic-drill.cjs': 'rustic-drill.cjs',
  'drill-unit.cjs': 'drill-unit.cjs',
  smartctl: 'smartctl.cjs',
};

/** The stub smartctl prints the unit tests' own SMART fixtures (bin/smart-fixtures). */
const SMART_FIXTURES = 'agent/src/domain/recovery/smart-fixtures';

/** shellWord quotes a value for sh: inside single quotes nothing is special but the quote. */
const shellWord = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

/** writeStubs (re)writes the stubs and their settings, so a reused sandbox has the current ones. */
export async function writeStubs(dir: string, settings: StubSettings): Promise<void> {
  const bin = join(dir, 'bin');
  const sources = join(repoRoot(), 'sandbox-pi/stubs');
  await mkdir(bin, { recursive: true });
  // CommonJS, because Node cannot be told the module type of an extensionless file otherwise.
  await writeFile(join(bin, 'package.json'), '{ "type": "commonjs" }\n');
  await writeFile(join(bin, 'sandbox.json'), `${JSON.stringify(settings, null, 2)}\n`);
  const shell = {
    sandbox_dir: dir,
    root: settings.root,
    real_cryptsetup: settings.realCryptsetup ?? '',
    slave: settings.slave,
  };
  const lines = Object.entries(shell).map(([name, value]) => `${name}=${shellWord(value)}\n`);
  await writeFile(join(bin, 'sandbox.sh'), lines.join(''));
  for (const [name, source] of Object.entries(STUBS)) {
    await copyFile(join(sources, source), join(bin, name));
    await chmod(join(bin, name), name.includes('.') ? 0o644 : 0o755);
  }
  await cp(join(repoRoot(), SMART_FIXTURES), join(bin, 'smart-fixtures'), { recursive: true });
}
