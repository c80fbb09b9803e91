// A local account attacks the helper's KDF lock: as nobody it binds the old lock's abstract
// socket names and tries to make, bind or move anything in the helper's state and lock dirs,
// keeping all it got; the built helper (root) must still open the real LUKS2 drive.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireKdfLock } from '../../agent/src/helper/kdf-lock.ts';
import { createSandboxPi, DEMO_PASSPHRASE, type SandboxPi } from '../../sandbox-pi/index.ts';
import { HELPER_BIN } from '../fixtures/agent-process.ts';
import type { AttackReport } from '../fixtures/kdf-lock-attacker.ts';

const NOBODY = 65534;
let pi: SandboxPi;
let scriptDir: string;
let attacker: ChildProcess | null = null;

/** oldLockNames are the abstract names the old lock bound: the default and the sandbox's. */
const oldLockNames = (dir: string) => [
  'immich-pi-kdf-default',
  `immich-pi-kdf-sandbox-${createHash('sha256').update(dir).digest('hex').slice(0, 12)}`,
];

/** runHelper runs the built helper once (as root, like the Pi's) with this frame on stdin. */
function runHelper(frame: Buffer): Promise<{ answer: unknown; stderr: string }> {
  const argv = [pi.helperBin, '--config', pi.helperConfigPath];
  const child = spawn(process.execPath, argv, { env: { PATH: process.env.PATH ?? '/usr/bin' } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.end(frame);
  return new Promise((resolve) =>
    child.on('close', () => resolve({ answer: JSON.parse(stdout || 'null'), stderr })),
  );
}

/** startAttacker runs the attacker as nobody and answers its report, once it holds everything. */
async function startAttacker(script: string, stateDir: string): Promise<AttackReport> {
  const argv = ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups'];
  const names = oldLockNames(pi.dir);
  attacker = spawn('setpriv', [...argv, process.execPath, script, stateDir, ...names], {
    cwd: scriptDir,
    env: { PATH: process.env.PATH ?? '/usr/bin' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  attacker.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    attacker?.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.includes('\n')) resolve(JSON.parse(stdout.split('\n')[0] ?? ''));
    });
    attacker?.on('exit', (code) => reject(new Error(`attacker exited (${code}): ${stderr}`)));
  });
}

/** bindAsRoot tries what the old acquireKdfLock did: bind the abstract name, from root. */
function bindAsRoot(name: string): Promise<string> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    server.listen({ path: `\0${name}` }, () => server.close(() => resolve('bound')));
  });
}

beforeAll(async () => {
  if (!existsSync(HELPER_BIN)) throw new Error(`${HELPER_BIN} is missing: run \`npm run build\``);
  if (process.getuid?.() !== 0) {
    throw new Error('the KDF lock attack test must run as root: it attacks as nobody via setpriv');
  }
  if (spawnSync('setpriv', ['--version']).error) {
    throw new Error(
      'setpriv is missing: install util-linux, which this test needs to run as nobody',
    );
  }
  scriptDir = await mkdtemp(join(tmpdir(), 'kdf-attack-'));
  await chmod(scriptDir, 0o755); // nobody reads the bundled attacker from here
  const bundle = await build({
    entryPoints: [join(import.meta.dirname, '../fixtures/kdf-lock-attacker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
  });
  await writeFile(join(scriptDir, 'attacker.mjs'), bundle.outputFiles[0]?.contents ?? '');
  await chmod(join(scriptDir, 'attacker.mjs'), 0o644);
  pi = await createSandboxPi({ port: 0 });
  expect(pi.cryptsetupAvailable).toBe(true);
});
afterAll(async () => {
  if (attacker?.pid !== undefined && attacker.exitCode === null)
    process.kill(attacker.pid, 'SIGKILL');
  await pi?.remove();
  if (scriptDir) await rm(scriptDir, { recursive: true, force: true });
});

describe('a local account attacking the KDF lock', () => {
  it('can neither take nor jam it: the helper opens the drive with the right passphrase', async () => {
    // As /var/lib on the Pi: others may pass through to the helper's state dir, not into it.
    await chmod(pi.dir, 0o711);
    const { stateDir } = JSON.parse(await readFile(pi.helperConfigPath, 'utf8'));
    // The lock dir exists, as after an earlier unlock.
    await (await acquireKdfLock(stateDir))?.release();

    const report = await startAttacker(join(scriptDir, 'attacker.mjs'), stateDir);
    expect(report.uid).toBe(NOBODY);
    const names = oldLockNames(pi.dir);
    expect(report.abstract).toEqual(Object.fromEntries(names.map((name) => [name, 'done'])));
    // The attacker really holds them: the old lock (this very bind) would answer kdf-busy now.
    for (const name of names) expect(await bindAsRoot(name)).toBe('EADDRINUSE');
    const { 'lstat state dir': reached, ...tries } = report.files;
    expect(reached).toBe('done');
    expect(Object.entries(tries).filter(([, result]) => result !== 'EACCES')).toEqual([]);
    expect(Object.keys(tries)).toHaveLength(10);

    const passphrase = Buffer.from(DEMO_PASSPHRASE);
    const open = await runHelper(
      Buffer.concat([Buffer.from(`open\n${passphrase.length}\n`), passphrase]),
    );
    expect(open.answer, open.stderr).toEqual({ ok: true });
    expect(existsSync(join(pi.root, 'dev/mapper/immich_drive'))).toBe(true);
    expect(attacker?.exitCode).toBeNull(); // still there, still holding
    expect((await runHelper(Buffer.from('close\n'))).answer).toEqual({ ok: true });
  });
});
