// Ports: the function types through which the agent touches the OS. Only main.ts wires real ones.

/** Clock gives wall time for display and signatures, monotonic time for every duration. */
export interface Clock {
  /** Wall clock, ms since the epoch. Can jump (the Pi has no RTC; NTP steps it). */
  wall(): number;
  /** Monotonic ms from an arbitrary origin: holds, expiries, backoffs, caches. */
  monotonic(): number;
  /** True once systemd-timesyncd says the wall clock is synchronized. */
  synced(): boolean;
}

/** Logger writes the agent's journal lines: what happened, never a secret. */
export interface Logger {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

/** ReadText reads a small text file; it answers null when the file does not exist. */
export type ReadText = (path: string) => Promise<string | null>;

/** FsUsage is what statfs says of one mounted file system. */
export interface FsUsage {
  totalBytes: number;
  usedBytes: number;
  availableBytes: number;
}

/** StatFs answers the usage of the file system holding path, or null when path is missing. */
export type StatFs = (path: string) => Promise<FsUsage | null>;

export interface RunOptions {
  /** Bytes written to the child's stdin, then closed. Secrets travel only this way. */
  stdin?: Uint8Array;
  timeoutMs?: number;
  /** Cap on stdout and stderr each; more is cut and the command fails. */
  maxOutputBytes?: number;
  /**
   * The child's whole environment instead of PATH and LANG=C. Only report-backup passes one:
   * it runs rustic inside the backup unit, whose environment names rustic's settings.
   */
  env?: Record<string, string | undefined>;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** RunCommand runs an argv array without a shell; a non-zero exit throws CommandError. */
export type RunCommand = (argv: readonly string[], options?: RunOptions) => Promise<RunResult>;

/** RandomBytes returns n cryptographically random bytes. */
export type RandomBytes = (n: number) => Uint8Array;
