// How `npm start` ends: on SIGINT, SIGTERM or SIGHUP, or when whatever started it is gone, the
// demo stops the agent it spawned, once, within a bounded time; asked again, it does not wait.
import type { ChildProcess } from 'node:child_process';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** How often the demo looks whether its parent (npm, the shell) is still there. */
const PARENT_CHECK_MS = 500;
/**
 * A request this soon after the first is the same one: Ctrl-C under npm arrives twice (from the
 * terminal, and passed on by npm), and only a person pressing again means "do not wait".
 */
const SAME_REQUEST_MS = 1000;

/**
 * StopRequest hears the signals that end the demo. npm passes SIGINT and SIGTERM on to its
 * script but not SIGHUP, and a shell between them passes nothing: a demo whose parent went away
 * was asked to stop too, or it and its agent would be left running with no terminal.
 */
export class StopRequest {
  private why: string | null = null;
  private firstAt = 0;
  private readonly listeners: ((again: boolean) => void)[] = [];
  private readonly parent = process.ppid;
  private readonly watch: NodeJS.Timeout;
  private readonly handlers = SIGNALS.map((signal) => {
    const handler = () => this.request(signal);
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  private wake: () => void = () => {};
  /** Resolves once a stop was asked for. */
  readonly asked = new Promise<void>((resolve) => {
    this.wake = resolve;
  });

  constructor() {
    this.watch = setInterval(() => {
      if (process.ppid !== this.parent) this.request('its parent process ended');
    }, PARENT_CHECK_MS).unref();
  }

  /** reason is why the demo stops, null while nobody asked. */
  get reason(): string | null {
    return this.why;
  }

  /** onStop calls back on each request; `again` is true from the second on (do not wait). */
  onStop(listener: (again: boolean) => void): void {
    this.listeners.push(listener);
    if (this.why !== null) listener(false);
  }

  request(why: string): void {
    const now = performance.now();
    if (this.why !== null && now - this.firstAt < SAME_REQUEST_MS) return;
    const again = this.why !== null;
    if (!again) {
      this.why = why;
      this.firstAt = now;
    }
    this.wake();
    for (const listener of this.listeners) listener(again);
  }

  /** dispose stops listening (the demo is ending anyway). */
  dispose(): void {
    clearInterval(this.watch);
    for (const [signal, handler] of this.handlers) process.off(signal, handler);
  }
}

/**
 * terminator answers one idempotent way to end a child: SIGTERM, SIGKILL after graceMs (or at
 * once when `now`), resolving when it has exited; every call shares the one wait. `onKill` hears
 * of a SIGKILL, which leaves the child no time to finish what it was doing.
 */
export function terminator(child: ChildProcess, graceMs: number, onKill: (why: string) => void) {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  let ending: Promise<void> | null = null;
  return (now = false): Promise<void> => {
    const running = () => child.exitCode === null && child.signalCode === null;
    const kill = (why: string) => {
      if (!running()) return;
      onKill(why);
      child.kill('SIGKILL');
    };
    if (now) kill('asked again');
    if (ending) return ending;
    if (running()) child.kill('SIGTERM');
    const killer = setTimeout(() => kill(`not stopped within ${graceMs / 1000} s`), graceMs);
    killer.unref();
    ending = exited.finally(() => clearTimeout(killer));
    return ending;
  };
}
