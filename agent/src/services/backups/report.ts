// What `immich-pi-agent report-backup` does inside the backup unit, as root (ARCHITECTURE §11):
// note the snapshots before a run, then record how it ended. Facts only; the agent judges them.
import * as v from 'valibot';
import { journalTail } from '../../adapters/journal.ts';
import { CommandError } from '../../adapters/run-command.ts';
import { parseSnapshots } from '../../adapters/rustic/snapshots.ts';
import type { SpoolEntry } from '../../adapters/spool.ts';
import type { Config } from '../../config.ts';
import {
  BeforeRecord,
  InvocationId,
  LOG_LINE_CHARS,
  LOG_LINES,
  type Moment,
  type RunRecord,
  type SnapshotListing,
} from '../../domain/backups/spool-record.ts';
import type { RunCommand } from '../../ports.ts';

/** Listing a remote repository can take a while on a slow uplink. */
const RUSTIC_TIMEOUT_MS = 5 * 60_000;
const RUSTIC_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
const JOURNAL_TIMEOUT_MS = 30_000;
/** The spool keeps this many run records; the agent has long copied older ones. */
const KEEP_RUNS = 200;
/** A before record left this long by a run that never reported is dropped. */
const KEEP_ORPHAN_MS = 30 * 24 * 3600_000;

export interface ReportDeps {
  runCommand: RunCommand;
  /** The unit's environment: INVOCATION_ID, SERVICE_RESULT, EXIT_CODE, EXIT_STATUS, rustic's own. */
  env: Record<string, string | undefined>;
  now(): Promise<Moment>;
  spool: {
    write(name: string, text: string): Promise<void>;
    read(name: string): Promise<string>;
    remove(name: string): Promise<void>;
    list(): Promise<SpoolEntry[]>;
  };
}

export type ReportConfig = Pick<Config, 'backup' | 'backupUnit'>;

/** ReportError is a report that cannot be made; the command prints it and still exits 0. */
export class ReportError extends Error {
  override name = 'ReportError';
}

/** reportBefore records the snapshot ids present as the run begins; answers the line to print. */
export async function reportBefore(config: ReportConfig, deps: ReportDeps): Promise<string> {
  const invocationId = invocationIdFrom(deps.env);
  const at = await deps.now();
  const listing = await listSnapshots(config, deps);
  const record: BeforeRecord = {
    v: 1,
    kind: 'before',
    invocationId,
    at,
    snapshotIds: listing.ok ? listing.snapshots.map((s) => s.id) : null,
    error: listing.ok ? null : listing.error,
  };
  await deps.spool.write(`${invocationId}.before.json`, JSON.stringify(record));
  return listing.ok
    ? `noted ${listing.snapshots.length} snapshots before the backup`
    : `could not list the snapshots before the backup: ${listing.error}`;
}

/** reportAfter records how the run ended: systemd's verdict, the snapshots now and its log. */
export async function reportAfter(config: ReportConfig, deps: ReportDeps): Promise<string> {
  const { env } = deps;
  const invocationId = invocationIdFrom(env);
  const at = await deps.now();
  const [before, snapshots, journal] = await Promise.all([
    readBefore(invocationId, deps),
    listSnapshots(config, deps),
    readJournal(invocationId, config, deps),
  ]);
  const record: RunRecord = {
    v: 1,
    kind: 'run',
    invocationId,
    unit: config.backupUnit,
    before,
    at,
    serviceResult: env.SERVICE_RESULT || null,
    exitCode: env.EXIT_CODE || null,
    exitStatus: env.EXIT_STATUS || null,
    snapshots,
    log: journal.lines,
    logError: journal.error,
  };
  await deps.spool.write(`${invocationId}.run.json`, JSON.stringify(record));
  await deps.spool.remove(`${invocationId}.before.json`);
  await prune(deps, at.wallMs);
  return `recorded backup run ${invocationId}`;
}

function invocationIdFrom(env: ReportDeps['env']): string {
  const id = env.INVOCATION_ID ?? '';
  if (!v.is(InvocationId, id)) {
    throw new ReportError(
      'INVOCATION_ID is missing or malformed: run report-backup from the backup unit (ExecStartPre/ExecStopPost), where systemd sets it',
    );
  }
  return id;
}

async function listSnapshots(config: ReportConfig, deps: ReportDeps): Promise<SnapshotListing> {
  const { rustic, profile } = config.backup;
  const argv = [rustic, ...(profile ? ['-P', profile] : []), 'snapshots', '--json'];
  try {
    const { stdout } = await deps.runCommand(argv, {
      timeoutMs: RUSTIC_TIMEOUT_MS,
      maxOutputBytes: RUSTIC_MAX_OUTPUT_BYTES,
      env: deps.env,
    });
    return parseSnapshots(stdout);
  } catch (error) {
    return { ok: false, error: `rustic snapshots failed: ${commandProblem(error)}` };
  }
}

async function readBefore(invocationId: string, deps: ReportDeps): Promise<BeforeRecord | null> {
  try {
    const parsed = v.safeParse(
      BeforeRecord,
      JSON.parse(await deps.spool.read(`${invocationId}.before.json`)),
    );
    return parsed.success && parsed.output.invocationId === invocationId ? parsed.output : null;
  } catch {
    return null; // none: the run's start was not recorded, which the agent says
  }
}

async function readJournal(
  invocationId: string,
  config: ReportConfig,
  deps: ReportDeps,
): Promise<{ lines: string[]; error: string | null }> {
  const argv = [
    config.backup.journalctl,
    `_SYSTEMD_INVOCATION_ID=${invocationId}`,
    '-n',
    String(LOG_LINES),
    '-o',
    'short-iso',
    '--no-hostname',
    '--no-pager',
    '-q',
  ];
  try {
    const lines = await journalTail(deps.runCommand, argv, {
      lines: LOG_LINES,
      lineChars: LOG_LINE_CHARS,
      timeoutMs: JOURNAL_TIMEOUT_MS,
    });
    return { lines, error: null };
  } catch (error) {
    return { lines: [], error: `journalctl failed: ${commandProblem(error)}` };
  }
}

/** prune keeps the newest run records and drops before records whose run never reported. */
async function prune(deps: ReportDeps, nowWall: number): Promise<void> {
  const entries = await deps.spool.list();
  const runs = entries.filter((e) => e.kind === 'run').sort((a, b) => b.mtimeMs - a.mtimeMs);
  const stale = [
    ...runs.slice(KEEP_RUNS),
    ...entries.filter((e) => e.kind === 'before' && nowWall - e.mtimeMs > KEEP_ORPHAN_MS),
  ];
  for (const entry of stale) await deps.spool.remove(entry.name);
}

/** commandProblem says in a line why a command failed: its exit and the first line of stderr. */
function commandProblem(error: unknown): string {
  if (!(error instanceof CommandError)) return (error as Error).message;
  const firstLine = error.stderr.split('\n').find((line) => line.trim()) ?? '';
  const how = error.timedOut
    ? 'it timed out'
    : error.outputExceeded
      ? 'it printed too much'
      : error.signal
        ? `killed by ${error.signal}`
        : error.exitCode === null
          ? error.message
          : `exit ${error.exitCode}`;
  return firstLine ? `${how}: ${firstLine.trim().slice(0, 200)}` : how;
}
