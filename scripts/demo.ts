// `npm start`: a sandbox Pi, the real agent on 127.0.0.1 reading it, and what a person needs to try it.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CommandError, runCommand } from '../agent/src/adapters/run-command.ts';
import { createSandboxPi, DEMO_PASSPHRASE, type SandboxPi } from '../sandbox-pi/index.ts';
import { claimSandbox, findConflict, releaseSandbox } from './demo-guard.ts';
import { StopRequest, terminator } from './demo-stop.ts';

const HELP = `Usage: npm start -- [--sandbox DIR] [--fresh] [--port N]

Builds if needed, makes (or reuses) a sandbox Pi, runs the agent on 127.0.0.1 against it and
prints the app's URL and a pairing code. While another demo (or agent) runs on the same sandbox
or the port is taken it changes nothing and says so. Ctrl-C, SIGTERM or SIGHUP stop the agent
and the sandbox's stub processes too.

  --sandbox DIR  where the sandbox lives (default ./.sandbox); reusing it keeps paired phones
  --fresh        throw the sandbox away and make a new one
  --port N       the agent's port (default 8480)
`;
const LISTEN_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 5000;
const LISTENING = /^immich-pi-agent listening on (\S+)$/;
// This file runs as dist/demo.mjs (or scripts/demo.ts): either way the repo is one level up.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface Minted {
  code: string;
  expiresAt: number;
  url: string;
  fingerprint: string;
}

/** runDemo starts everything and resolves with the exit code once the agent is gone. */
async function runDemo(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      sandbox: { type: 'string' },
      fresh: { type: 'boolean' },
      port: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const port = Number(values.port ?? '8480');
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`--port must be 1-65535, not ${values.port}`);
  const cli = join(repoRoot, 'dist/agent/immich-pi-agent.mjs');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  const dir = resolve(values.sandbox ?? '.sandbox');
  // A running demo must not be rebooted under its user: look before touching anything.
  const conflict = await findConflict(dir, port, { sandboxGiven: values.sandbox !== undefined });
  if (conflict) {
    process.stderr.write(`immich-pi demo: ${conflict}\n`);
    return 1;
  }

  const stop = new StopRequest();
  let pi: SandboxPi | null = null;
  let endAgent: ((now?: boolean) => Promise<void>) | null = null;
  try {
    pi = await createSandboxPi({
      dir,
      reuse: !values.fresh,
      port,
      pwaDir: join(repoRoot, 'dist/pwa'),
    });
    await claimSandbox(dir, { pid: process.pid, agentPid: null, url: pi.config.publicUrl });
    // Every start is a fresh boot of the sandbox Pi, as after a power cut: the drive is locked
    // again (paired phones stay paired), which is the moment this app exists for.
    await pi.reboot();
    const seededRuns = (await hasBackupHistory(pi.spoolDir, pi.config.stateDir))
      ? 0
      : await pi.seedBackupHistory();
    if (stop.reason !== null) return 0;

    const agent = spawn(process.execPath, [cli, 'serve', '--config', pi.configPath], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((done) => agent.once('exit', (code) => done(code)));
    const end = terminator(agent, STOP_GRACE_MS, (why) =>
      process.stderr.write(`immich-pi demo: killing the agent (${why})\n`),
    );
    endAgent = end;
    // Ctrl-C reaches the agent too (same process group); pressed again, the demo does not wait.
    stop.onStop((again) => void end(again));
    await claimSandbox(dir, {
      pid: process.pid,
      agentPid: agent.pid ?? null,
      url: pi.config.publicUrl,
    });

    const url = await Promise.race([waitForListening(agent), exited.then(() => null)]);
    if (url === null) {
      if (stop.reason !== null) return 0;
      const code = await exited;
      process.stderr.write(
        `immich-pi demo: the agent exited (code ${code}) before it listened on port ${port}\n`,
      );
      return code || 1;
    }

    let minted: Minted;
    try {
      minted = await mintPairingCode(cli, pi.configPath);
    } catch (error) {
      if (stop.reason !== null) return 0;
      throw error;
    }
    const minutes = Math.max(1, Math.round((minted.expiresAt - Date.now()) / 60_000));
    const lines = [
      'immich-pi demo: a sandbox Pi is running.',
      // localhost, not the 127.0.0.1 it listens on: Face ID unlock (WebAuthn) needs a name.
      `  App:              ${pi.config.publicUrl}`,
      `  Pairing code:     ${minted.code}   (valid ${minutes} minutes; the app's Devices screen makes another)`,
      `  Demo passphrase:  ${DEMO_PASSPHRASE}`,
      `  Sandbox:          ${pi.dir}`,
      `  Agent key:        ${minted.fingerprint}`,
    ];
    if (seededRuns > 0) {
      lines.push(
        `Backups hold ${seededRuns} nights of demo history (marked as demo data), so the screen and chart have something to show.`,
      );
    }
    if (!pi.cryptsetupAvailable) {
      lines.push(
        'cryptsetup is not installed, so the passphrase check is simulated; `sudo apt-get install cryptsetup` installs it.',
      );
    }
    lines.push(
      `Try: echo 81000 > ${shellQuote(join(pi.root, 'sys/class/thermal/thermal_zone0/temp'))}   (81 °C)`,
      `     touch ${shellQuote(join(pi.dir, 'units/immich-server.service.fail'))}   (Immich fails to start)`,
      `     echo fail > ${shellQuote(join(pi.dir, 'backup/outcome'))}   (the next backup fails; ok, partial, interrupted or slow for others)`,
      'Press Ctrl-C to stop.',
    );
    process.stdout.write(`${lines.join('\n')}\n`);

    const code = await exited;
    if (stop.reason !== null) return 0;
    process.stderr.write(`immich-pi demo: the agent stopped (exit code ${code})\n`);
    return code || 1;
  } finally {
    // However it ends: the agent first (it may be starting a unit), then what the stubs left
    // running (the stub Immich, a backup run: detached, no signal reaches them), then the claim.
    await endAgent?.();
    await pi?.stopProcesses();
    await releaseSandbox(dir);
    stop.dispose();
  }
}

/** waitForListening resolves with the agent's URL from its stdout, passing its other lines on. */
function waitForListening(agent: ChildProcess): Promise<string> {
  return new Promise((done, fail) => {
    let url: string | null = null;
    const timer = setTimeout(() => {
      agent.kill('SIGKILL');
      fail(
        new Error(`the agent did not say it was listening within ${LISTEN_TIMEOUT_MS / 1000} s`),
      );
    }, LISTEN_TIMEOUT_MS);
    agent.once('exit', () => clearTimeout(timer));
    createInterface({ input: agent.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const match = url === null ? LISTENING.exec(line) : null;
      if (!match?.[1]) {
        process.stdout.write(`${line}\n`);
        return;
      }
      clearTimeout(timer);
      url = match[1].endsWith('/') ? match[1] : `${match[1]}/`;
      done(url);
    });
  });
}

/** mintPairingCode asks the running agent, through its CLI, for a code named "Demo phone". */
async function mintPairingCode(cli: string, configPath: string): Promise<Minted> {
  const argv = [
    process.execPath,
    cli,
    'pair',
    '--config',
    configPath,
    '--name',
    'Demo phone',
    '--json',
  ];
  const { stdout } = await runCommand(argv, { timeoutMs: LISTEN_TIMEOUT_MS });
  const line = stdout.trim().split('\n').pop() ?? '';
  const minted = JSON.parse(line) as Partial<Minted>;
  if (
    typeof minted.code !== 'string' ||
    typeof minted.fingerprint !== 'string' ||
    typeof minted.expiresAt !== 'number'
  ) {
    throw new Error(`unexpected answer from \`immich-pi-agent pair --json\`: ${line}`);
  }
  return minted as Minted;
}

/**
 * hasBackupHistory tells whether the sandbox has backup runs already: records in the spool, or
 * the agent's own history (so demo history is seeded once, on a fresh sandbox).
 */
async function hasBackupHistory(spoolDir: string, stateDir: string): Promise<boolean> {
  const spooled = await readdir(spoolDir).catch(() => [] as string[]);
  return (
    spooled.some((name) => name.endsWith('.json')) || existsSync(join(stateDir, 'backups.json'))
  );
}

/** shellQuote leaves plain paths alone and single-quotes the rest, so the Try line can be pasted. */
function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
}

try {
  process.exitCode = await runDemo(process.argv.slice(2));
} catch (error) {
  const detail = error instanceof CommandError && error.stderr ? `\n${error.stderr.trim()}` : '';
  process.stderr.write(`immich-pi demo: ${(error as Error).message}${detail}\n`);
  process.exitCode = 1;
}
