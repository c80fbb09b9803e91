// What /proc shows about the processes an agent spawned: the leak audit reads their argv and
// environment while they live, and the kill test waits for the ones a killed agent left behind.
import { readdirSync, readFileSync } from 'node:fs';
import { eventually } from '../fixtures/eventually.ts';

/** ProcessInfo is one live process as /proc/<pid>/stat and cmdline show it. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** The stat state letter: R, S, D, Z (a zombie has exited)... */
  state: string;
  /** Clock ticks after boot at which it started: with the pid, it names one process. */
  startTicks: string;
  /** argv joined by spaces (empty for a zombie or a kernel thread). */
  command: string;
}

function readOrNull(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch {
    return null; // it exited while we looked
  }
}

/** listProcesses answers every process /proc lists now (those that exit meanwhile are left out). */
export function listProcesses(): ProcessInfo[] {
  const all: ProcessInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readOrNull(`/proc/${name}/stat`)?.toString('utf8');
    // The command name in parentheses may hold spaces and parentheses: parse after the last ')'.
    const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (!fields || fields.length < 20) continue;
    const cmdline = readOrNull(`/proc/${name}/cmdline`) ?? Buffer.alloc(0);
    all.push({
      pid: Number(name),
      ppid: Number(fields[1]),
      state: fields[0] ?? '?',
      startTicks: fields[19] ?? '',
      command: cmdline.toString('utf8').replaceAll('\0', ' ').trim(),
    });
  }
  return all;
}

/** descendantsOf answers the children, grandchildren... of pid among `processes`. */
export function descendantsOf(pid: number, processes: ProcessInfo[]): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  const parents = new Set([pid]);
  // Bounded: each pass adds a generation, and no process tree is deeper than the process count.
  for (let pass = 0; pass < processes.length; pass++) {
    const next = processes.filter((p) => parents.has(p.ppid) && !parents.has(p.pid));
    if (next.length === 0) break;
    for (const p of next) {
      parents.add(p.pid);
      found.push(p);
    }
  }
  return found;
}

/** SeenProcess is what a watcher read of one descendant: its raw argv and environment. */
export interface SeenProcess {
  pid: number;
  command: string;
  /** /proc/<pid>/cmdline: the argv, NUL-separated. */
  cmdline: Buffer;
  /** /proc/<pid>/environ: the environment it was started with, NUL-separated. */
  environ: Buffer;
}

/**
 * watchDescendants reads the argv and environment of every descendant of rootPid every
 * `everyMs` until stopped. A process is kept once per distinct argv (a fork shows its parent's
 * argv until it execs). Short-lived processes can slip between two looks: the sandbox's stub
 * programs record their own argv and environment for that reason.
 */
export function watchDescendants(rootPid: number, everyMs = 2): { stop(): SeenProcess[] } {
  const seen = new Map<string, SeenProcess>();
  const look = () => {
    for (const p of descendantsOf(rootPid, listProcesses())) {
      const cmdline = readOrNull(`/proc/${p.pid}/cmdline`);
      const environ = readOrNull(`/proc/${p.pid}/environ`);
      if (!cmdline || !environ || cmdline.length === 0) continue;
      const key = `${p.pid}:${p.startTicks}:${cmdline.toString('base64')}`;
      if (!seen.has(key)) seen.set(key, { pid: p.pid, command: p.command, cmdline, environ });
    }
  };
  const timer = setInterval(look, everyMs);
  return {
    stop() {
      clearInterval(timer);
      look();
      return [...seen.values()];
    },
  };
}

/**
 * waitUntilGone waits (at most timeoutMs) until no live process matches `which` (given every
 * process, to look at parents); zombies count as gone. It answers the commands still running
 * at the deadline (empty when all ended).
 */
export async function waitUntilGone(
  which: (p: ProcessInfo, all: ProcessInfo[]) => boolean,
  timeoutMs: number,
): Promise<string[]> {
  const left = () => {
    const all = listProcesses();
    return all.filter((p) => p.state !== 'Z' && which(p, all)).map((p) => p.command);
  };
  const gone = (commands: string[]) => commands.length === 0;
  return eventually('the processes to end', left, { until: gone, timeoutMs, everyMs: 20 }).catch(
    left,
  );
}
