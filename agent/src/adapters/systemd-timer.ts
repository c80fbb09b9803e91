// Reads the backup timer's next and last run from `systemctl show`, for Home's "next backup".
import type { RunCommand } from '../ports.ts';

export interface TimerTimes {
  /** Wall ms of the timer's next elapse, null when not scheduled or not known. */
  nextAt: number | null;
  /** Wall ms of the timer's last trigger, null when it never fired or is not known. */
  lastTriggerAt: number | null;
}

/**
 * timerShowArgv is the read-only `systemctl show` that parseTimerShow reads. `--timestamp=unix`
 * prints `@<seconds>`, which needs no locale or time zone to read.
 */
export function timerShowArgv(systemctl: string, timer: string): string[] {
  return [
    systemctl,
    'show',
    '--timestamp=unix',
    '-p',
    'NextElapseUSecRealtime',
    '-p',
    'LastTriggerUSec',
    timer,
  ];
}

/**
 * parseTimerShow reads `NextElapseUSecRealtime=@1764039600` and `LastTriggerUSec=@...` lines.
 * `n/a`, empty, `0`, `@0` and anything else it does not know read as null; it never throws.
 */
export function parseTimerShow(stdout: string): TimerTimes {
  const fields = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) fields.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return {
    nextAt: unixSecondsToMs(fields.get('NextElapseUSecRealtime')),
    lastTriggerAt: unixSecondsToMs(fields.get('LastTriggerUSec')),
  };
}

function unixSecondsToMs(value: string | undefined): number | null {
  // systemd may print a fraction (`@1764039600.5`) on some versions; keep it to the ms.
  const match = /^@(\d{1,12})(?:\.(\d{1,6}))?$/.exec(value ?? '');
  if (!match) return null;
  const ms = Number(match[1]) * 1000 + Number((match[2] ?? '').padEnd(3, '0').slice(0, 3));
  return ms > 0 ? ms : null;
}

/**
 * createNextRunReader answers the timer's next run (wall ms, null when not scheduled) from one
 * `systemctl show`; a failing systemctl rejects, for the caller to say so.
 */
export function createNextRunReader(options: {
  systemctl: string;
  timer: string;
  runCommand: RunCommand;
}): () => Promise<number | null> {
  const argv = timerShowArgv(options.systemctl, options.timer);
  return async () => {
    const { stdout } = await options.runCommand(argv, {
      timeoutMs: 5000,
      maxOutputBytes: 64 * 1024,
    });
    return parseTimerShow(stdout).nextAt;
  };
}
