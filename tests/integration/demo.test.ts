// `npm start` as a person uses it: a second start while one runs changes nothing and says what
// to do; SIGTERM or SIGHUP (to the demo, or to npm around it) leaves no agent or stub behind.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeLoopbackPort } from '../../sandbox-pi/immich-stub.ts';
import { DEMO_PASSPHRASE } from '../../sandbox-pi/index.ts';
import { ROUTES } from '../../shared/api.ts';
import { pairDevice, REPO_ROOT } from '../fixtures/agent-process.ts';
import { eventually } from '../fixtures/eventually.ts';
import { pollOperation, postUnlock } from '../fixtures/unlock-client.ts';

const DEMO = join(REPO_ROOT, 'dist', 'demo.mjs');
const READY = 'Press Ctrl-C to stop.';
const START_TIMEOUT_MS = 60_000;

interface Demo {
  process: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (null after a signal) once the process has ended. */
  exited: Promise<number | null>;
}

const started: Demo[] = [];

/** run starts the demo (or `npm start`) with args; its output is kept, npm asks no registry. */
function run(args: string[], options: { viaNpm?: boolean; ownGroup?: boolean } = {}): Demo {
  const argv = options.viaNpm
    ? [...npmCommand(), 'start', '--', ...args]
    : [process.execPath, DEMO, ...args];
  const child = spawn(argv[0] as string, argv.slice(1), {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, as a terminal gives a command: Ctrl-C signals the whole group.
    detached: options.ownGroup === true,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const demo = { process: child, pid: child.pid ?? -1, stdout: () => stdout, stderr: () => stderr };
  started.push({ ...demo, exited });
  return { ...demo, exited };
}

/** npm as the test run found it (npm_execpath under `npm test`), else the one on PATH. */
function npmCommand(): string[] {
  const cli = process.env.npm_execpath;
  return cli?.endsWith('.js') ? [process.execPath, cli] : ['npm'];
}

/** ready waits for the demo's "Press Ctrl-C" line, failing with its output if it exits first. */
async function ready(demo: Demo): Promise<Demo> {
  let ended = false;
  void demo.exited.then(() => {
    ended = true;
  });
  await eventually('the demo to start', () => ended || demo.stdout().includes(READY), {
    timeoutMs: START_TIMEOUT_MS,
  }).catch(() => undefined);
  if (!demo.stdout().includes(READY)) {
    throw new Error(`the demo did not start:\n${demo.stdout()}\n${demo.stderr()}`);
  }
  return demo;
}

/** exitOf waits (20 s at most) for a process to end and answers its exit code. */
async function exitOf(demo: Demo): Promise<number | null> {
  const timeout = new Promise<'timeout'>((resolve) =>
    setTimeout(() => resolve('timeout'), 20_000).unref(),
  );
  const code = await Promise.race([demo.exited, timeout]);
  if (code === 'timeout') throw new Error(`pid ${demo.pid} still runs:\n${demo.stderr()}`);
  return code;
}

/** alive tells whether a pid runs (a zombie does not). */
async function alive(pid: number): Promise<boolean> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return text !== null && text.slice(text.lastIndexOf(')') + 2)[0] !== 'Z';
}

/** descendants answers every live process under pid, found through /proc's parent links. */
async function descendants(pid: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const text = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => null);
    const ppid = text ? Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]) : Number.NaN;
    if (Number.isInteger(ppid)) parents.set(Number(name), ppid);
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    for (const [child, ppid] of parents) {
      if (ppid === parent && !found.includes(child)) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

/** stillRunning answers which of pids run after waiting up to 10 s for them to end. */
async function stillRunning(pids: number[]): Promise<number[]> {
  const left = async () => {
    const running: number[] = [];
    for (const pid of pids) if (await alive(pid)) running.push(pid);
    return running;
  };
  return eventually('the processes to end', left, { until: (l) => l.length === 0 }).catch(left);
}

/** fingerprint is what a second start must not touch: boot id, unit states, config, stubs. */
async function fingerprint(dir: string): Promise<Record<string, string>> {
  const files = [
    'root/proc/sys/kernel/random/boot_id',
    'agent.json',
    'helper.json',
    ...(await readdir(join(dir, 'units'))).map((name) => `units/${name}`),
    ...(await readdir(join(dir, 'bin'), { recursive: true })).map((name) => `bin/${name}`),
  ];
  const seen: Record<string, string> = {};
  for (const file of files) {
    const path = join(dir, file);
    if ((await stat(path)).isDirectory()) continue; // bin/smart-fixtures: its files are listed
    seen[file] = `${(await stat(path)).mtimeMs} ${await readFile(path, 'utf8')}`;
  }
  const audit = JSON.parse(await readFile(join(dir, 'state/audit.json'), 'utf8'));
  seen.agentStarts = String(JSON.stringify(audit).split('"agent-started"').length - 1);
  return seen;
}

let dir: string;
let port: number;
let first: Demo;
const args = () => ['--sandbox', dir, '--port', String(port)];

beforeAll(async () => {
  if (!existsSync(DEMO)) throw new Error(`${DEMO} is missing: run \`npm run build\` first`);
  dir = await mkdtemp(join(tmpdir(), 'ipi-demo-'));
  port = await freeLoopbackPort();
  first = await ready(run(args()));
}, START_TIMEOUT_MS);

afterAll(async () => {
  for (const demo of started) demo.process.kill('SIGKILL');
  // A demo that failed to stop leaves its agent and stubs: they all name the sandbox.
  for (const pid of await processesNaming(dir)) process.kill(pid, 'SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

/** processesNaming answers the live processes whose command line has text (this run's sandbox). */
async function processesNaming(text: string): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const cmdline = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(text) && (await alive(Number(name)))) pids.push(Number(name));
  }
  return pids;
}

describe('a second npm start', () => {
  it('leaves the running demo untouched and says what to do', async () => {
    const before = await fingerprint(dir);
    const same = run(args());
    expect(await exitOf(same)).toBe(1);
    expect(await fingerprint(dir)).toEqual(before);
    expect(same.stderr()).toContain(
      `Another immich-pi demo is already running on http://localhost:${port}/ (pid ${first.pid})`,
    );
    expect(same.stderr()).toMatch(/Ctrl-C .* --sandbox \S+ --port \d+\nNothing was changed\.\n$/s);

    // Another port does not make the sandbox free, another sandbox does not free the port.
    const otherPort = run(['--sandbox', dir, '--port', String(await freeLoopbackPort())]);
    expect(await exitOf(otherPort)).toBe(1);
    expect(otherPort.stderr()).toContain(`(pid ${first.pid}), with the sandbox ${dir}.`);
    const otherDir = join(dir, 'second');
    const otherSandbox = run(['--sandbox', otherDir, '--port', String(port)]);
    expect(await exitOf(otherSandbox)).toBe(1);
    expect(otherSandbox.stderr()).toContain(
      `Port ${port} on 127.0.0.1 is already in use by another immich-pi agent.`,
    );
    expect(otherSandbox.stderr()).toMatch(/--sandbox \S+second --port \d+\n/);
    expect(existsSync(otherDir)).toBe(false);

    expect(await fingerprint(dir)).toEqual(before);
    expect(await alive(first.pid)).toBe(true);
    const claim = JSON.parse(await readFile(join(dir, 'demo.pid'), 'utf8'));
    expect(claim).toMatchObject({ pid: first.pid, url: `http://localhost:${port}/` });
    // A name, not 127.0.0.1: WebAuthn (Face ID unlock) refuses IP addresses.
    expect(first.stdout()).toMatch(new RegExp(`App: +http://localhost:${port}/\n`));
    expect((await fetch(new URL(ROUTES.hello, `http://127.0.0.1:${port}/`))).status).toBe(200);
  });
});

describe('stopping npm start', () => {
  it('SIGTERM to the demo stops the agent, the stub Immich and the rest it started', async () => {
    // Unlocked, so the stub Immich runs (detached: no signal to the demo reaches it).
    const code = /Pairing code:\s+(\S+)/.exec(first.stdout())?.[1] ?? '';
    const phone = await pairDevice(`http://127.0.0.1:${port}/`, code);
    const unlock = await postUnlock(phone, DEMO_PASSPHRASE);
    expect(unlock.status).toBe(202);
    expect((await pollOperation(phone, unlock.body.operationId)).state).toBe('succeeded');
    const stub = Number(await readFile(join(dir, 'units/immich-server.service.pid'), 'utf8'));
    const pids = [...(await descendants(first.pid)), stub];
    const commands = await Promise.all(
      pids.map((pid) => readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')),
    );
    expect(commands.some((c) => c.includes('immich-pi-agent.mjs\0serve'))).toBe(true);
    expect(await alive(stub)).toBe(true);

    first.process.kill('SIGTERM');
    expect(await exitOf(first)).toBe(0);
    expect(await stillRunning(pids)).toEqual([]);
    expect(existsSync(join(dir, 'demo.pid'))).toBe(false);
  }, 90_000);

  it('Ctrl-C (SIGINT to the whole group, and again from npm) stops all without killing', async () => {
    const npm = await ready(run(args(), { viaNpm: true, ownGroup: true }));
    const pids = await descendants(npm.pid);
    process.kill(-npm.pid, 'SIGINT');
    await exitOf(npm);
    expect(await stillRunning(pids)).toEqual([]);
    // The agent was let finish: the two SIGINTs the demo got are one request.
    expect(npm.stderr()).not.toContain('killing the agent');
  }, 90_000);

  it.each(['SIGTERM', 'SIGHUP'] as const)(
    '%s to npm start leaves no process behind (npm passes on only SIGINT and SIGTERM)',
    async (signal) => {
      const npm = await ready(run(args(), { viaNpm: true }));
      const pids = await descendants(npm.pid);
      expect(pids.length).toBeGreaterThanOrEqual(2); // the demo and its agent, at least
      npm.process.kill(signal);
      await exitOf(npm);
      expect(await stillRunning(pids)).toEqual([]);
    },
    90_000,
  );
});
