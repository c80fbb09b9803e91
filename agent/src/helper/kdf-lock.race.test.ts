// The KDF lock between real processes: holders that are SIGKILLed, racers over a dead lock, and
// a loop of several processes taking it, checked from their journal never to hold it together.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { acquireKdfLock, kdfLockDir } from './kdf-lock.ts';

let workDir: string;
let script: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'kdf-race-'));
  // A plain `node` child cannot run TypeScript on Node 20, so it runs the lock bundled.
  const bundle = await build({
    entryPoints: [join(import.meta.dirname, '../../../tests/fixtures/kdf-lock-contender.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
  });
  script = join(workDir, 'contender.mjs');
  await writeFile(script, bundle.outputFiles[0]?.contents ?? '');
});
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** contender starts one process; `line()` answers its next stdout line, `exited` its end. */
function contender(args: string[]) {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  const queue: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let partial = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) (waiting.shift() ?? ((l: string) => queue.push(l)))(line);
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  const line = () =>
    new Promise<string>((resolve) => {
      const next = queue.shift();
      if (next === undefined) waiting.push(resolve);
      else resolve(next);
    });
  return { child, line, exited };
}

describe('the KDF lock between processes', () => {
  it('is taken again once its holder is SIGKILLed, and never before', async () => {
    const stateDir = join(workDir, 'killed');
    const holder = contender(['once', stateDir]);
    expect(await holder.line()).toBe('ready');
    holder.child.stdin?.write('go\n');
    expect(await holder.line()).toBe('held');
    expect(await acquireKdfLock(stateDir)).toBeNull();
    holder.child.kill('SIGKILL');
    expect(await holder.exited).toBe('SIGKILL');
    const lock = await acquireKdfLock(stateDir);
    expect(lock).not.toBeNull();
    // The dead holder's beacon is gone; only ours is in held.
    expect(await readdir(join(kdfLockDir(stateDir), 'held'))).toHaveLength(1);
    await lock?.release();
    expect(await readdir(kdfLockDir(stateDir))).toEqual([]);
  });

  it('lets exactly one of several racers over a dead lock take it, round after round', async () => {
    const stateDir = join(workDir, 'racers');
    let dead: ReturnType<typeof contender> | null = null;
    for (let round = 0; round < 6; round++) {
      const racers = Array.from({ length: 4 }, () => contender(['once', stateDir]));
      for (const racer of racers) expect(await racer.line()).toBe('ready');
      if (dead) expect(await dead.exited).toBe('SIGKILL');
      for (const racer of racers) racer.child.stdin?.write('go\n');
      const answers = await Promise.all(racers.map((racer) => racer.line()));
      expect([...answers].sort()).toEqual(['busy', 'busy', 'busy', 'held']);
      // The winner dies holding it: the next round races over its dead lock.
      dead = racers[answers.indexOf('held')] ?? null;
      for (const racer of racers) racer.child.kill(racer === dead ? 'SIGKILL' : 'SIGTERM');
    }
  }, 30_000);

  it('is never held by two of several processes taking it in a loop, some dying as holders', async () => {
    const stateDir = join(workDir, 'loop');
    const journal = join(workDir, 'loop.journal');
    const plan = [
      ['25', '0'],
      ['25', '0'],
      ['25', '10'],
      ['25', '15'],
    ];
    const runs = plan.map(([wins, dieAt]) =>
      contender(['loop', stateDir, journal, wins ?? '0', dieAt ?? '0']),
    );
    const ends = await Promise.all(runs.map((run) => run.exited));
    expect(ends).toEqual([0, 0, 'SIGKILL', 'SIGKILL']);
    let holder: string | null = null;
    const events = (await readFile(journal, 'utf8')).trim().split('\n');
    for (const [index, event] of events.entries()) {
      const [what, pid] = event.split(' ');
      const where = `line ${index + 1}: ${event} while ${holder ?? 'nobody'} holds`;
      if (what === 'enter') expect(holder, where).toBeNull();
      else expect(holder, where).toBe(pid);
      holder = what === 'enter' ? (pid ?? null) : null;
    }
    expect(events.filter((e) => e.startsWith('enter'))).toHaveLength(25 + 25 + 10 + 15);
    expect(events.filter((e) => e.startsWith('die'))).toHaveLength(2);
    const done = await Promise.all(runs.slice(0, 2).map((run) => run.line()));
    expect(done.map((line) => line.split(' ')[1])).toEqual(['25', '25']);
    const busy = done.map((line) => Number(line.split(' ')[2]));
    expect((busy[0] ?? 0) + (busy[1] ?? 0)).toBeGreaterThan(0); // they did contend
    // No dead holder left it stale (the survivors won all their rounds, and so does this one),
    // and no attempt left a tmp dir behind.
    const lock = await acquireKdfLock(stateDir);
    expect(lock).not.toBeNull();
    expect(await readdir(kdfLockDir(stateDir))).toEqual(['held']);
    await lock?.release();
  }, 60_000);
});
