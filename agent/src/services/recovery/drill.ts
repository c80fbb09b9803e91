// The restore drill (ARCHITECTURE §17), run as root by immich-pi-verify-backup: check, sample,
// restore into a scratch dir on the drive, compare, check the dump, always clean, one record.
import { lstat, mkdir, readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CommandError } from '../../adapters/run-command.ts';
import { parseLongListing } from '../../adapters/rustic/ls.ts';
import { parseSnapshots } from '../../adapters/rustic/snapshots.ts';
import type { Moment } from '../../domain/backups/spool-record.ts';
import { compareFiles } from '../../domain/recovery/compare.ts';
import type { DrillRecord } from '../../domain/recovery/drill-record.ts';
import { MAX_MISMATCHES } from '../../domain/recovery/drill-record.ts';
import { checkDump } from '../../domain/recovery/dump-check.ts';
import { newestDump } from '../../domain/recovery/newest-dump.ts';
import { type DriveStat, sampleFiles } from '../../domain/recovery/sampling.ts';
import type { RunCommand } from '../../ports.ts';
import { releaseLock, takeLock } from './lock.ts';

export const SCRATCH_NAME = '.immich-pi-restore-test';

export interface DrillConfig {
  root: string;
  drive: { mountPoint: string };
  backup: { rustic: string; profile?: string | undefined };
  recovery: {
    sampleFiles: number;
    readDataSubset: string;
    dumpsDir: string;
    drillTimeoutMinutes: number;
    scratchReserveBytes: number;
    lockFile: string;
  };
}

export interface DrillPorts {
  run: RunCommand;
  env: Record<string, string | undefined>;
  invocationId: string;
  now(): number;
  /** The record's time stamps (wall, boot id, monotonic), as report-backup's. */
  moment(): Promise<Moment>;
  random(): number;
  sleep(ms: number): Promise<void>;
  isMounted(): Promise<boolean>;
  freeBytes(path: string): Promise<number>;
  /** Whether the backup unit is activating, active or deactivating. */
  backupRunning(): Promise<boolean>;
  /** Overrides drillTimeoutMinutes (tests only). */
  timeoutMs?: number;
}

/** DrillStop ends a drill early with an `error` record and its reason. */
export class DrillStop extends Error {}

export function scratchDir(config: DrillConfig): string {
  return join(config.root, config.drive.mountPoint, SCRATCH_NAME);
}

function firstLine(error: unknown): string {
  if (!(error instanceof CommandError)) return (error as Error).message.slice(0, 200);
  const line = error.stderr.split('\n').find((l) => l.trim()) ?? '';
  const how = error.signal ? `killed by ${error.signal}` : `exit ${error.exitCode}`;
  return line ? `${how}: ${line.trim().slice(0, 200)}` : how;
}

/** runDrill runs one drill and answers its record; it never throws for a drill that went wrong. */
export async function runDrill(config: DrillConfig, ports: DrillPorts): Promise<DrillRecord> {
  const startedAt = ports.now();
  const limitMs = ports.timeoutMs ?? config.recovery.drillTimeoutMinutes * 60_000;
  const deadline = startedAt + limitMs;
  const timeoutWords = ports.timeoutMs
    ? `the restore took longer than ${Math.ceil(limitMs / 1000)} seconds`
    : `the restore took longer than ${config.recovery.drillTimeoutMinutes} minutes`;
  const record: DrillRecord = {
    v: 1,
    kind: 'drill',
    invocationId: ports.invocationId,
    startedAt: await ports.moment(),
    at: await ports.moment(),
    result: 'error',
    reason: null,
    snapshot: null,
    check: null,
    files: { checked: 0, matched: 0, mismatches: [] },
    dump: null,
    scratchRemoved: false,
  };
  const scratch = scratchDir(config);
  const { rustic, profile } = config.backup;
  const base = [rustic, ...(profile ? ['-P', profile] : [])];
  const rusticRun = (args: string[]) => {
    const left = deadline - ports.now();
    if (left <= 0) throw new DrillStop(timeoutWords);
    return ports
      .run([...base, ...args], {
        timeoutMs: left,
        maxOutputBytes: 64 * 1024 * 1024,
        env: ports.env,
      })
      .catch((error: unknown) => {
        if (error instanceof CommandError && error.timedOut) throw new DrillStop(timeoutWords);
        throw error;
      });
  };
  let locked = false;
  try {
    await rm(scratch, { recursive: true, force: true });
    if (!(await ports.isMounted())) throw new DrillStop('the drive is locked');
    // Turn-taking: hold the lock only while no backup runs.
    for (;;) {
      if (ports.now() >= deadline) throw new DrillStop('a backup kept running');
      if (await takeLock(config.recovery.lockFile)) {
        if (!(await ports.backupRunning())) {
          locked = true;
          break;
        }
        await releaseLock(config.recovery.lockFile);
      }
      await ports.sleep(1000);
    }
    const subset = config.recovery.readDataSubset;
    // The check reads packs while the listing is made: both only read (rustic needs no lock).
    const checking = rusticRun(['check', `--read-data-subset=${subset}`]).then(
      () => ({ ok: true, readDataSubset: subset, problem: null }),
      (error: unknown) => {
        if (error instanceof DrillStop) throw error;
        return { ok: false, readDataSubset: subset, problem: firstLine(error) };
      },
    );
    checking.catch(() => {}); // awaited below; a stop is seen there
    const listing = parseSnapshots((await rusticRun(['snapshots', '--json'])).stdout);
    if (!listing.ok)
      throw new DrillStop(`rustic's snapshot list could not be read: ${listing.error}`);
    const latest = listing.snapshots.at(-1);
    if (!latest) throw new DrillStop('the repository has no snapshot to restore from');
    record.snapshot = { id: latest.id, timeMs: latest.timeMs };
    const dataDir = dirname(config.recovery.dumpsDir);
    const ls = await rusticRun(['ls', '--long', '--recursive', `${latest.id}:${dataDir}`]);
    const { files } = parseLongListing(ls.stdout, '/');
    const onDrive = new Map<string, DriveStat>();
    for (const file of files) {
      const st = await lstat(join(config.root, file.path)).catch(() => null);
      onDrive.set(file.path, st?.isFile() ? { bytes: st.size, mtimeMs: st.mtimeMs } : null);
    }
    const dumpsDir = config.recovery.dumpsDir.replace(/\/$/, '');
    const sample = sampleFiles(
      files,
      (p) => onDrive.get(p) ?? null,
      dumpsDir,
      config.recovery.sampleFiles,
      ports.random,
    );
    const dump = newestDump(files.filter((f) => dirname(f.path) === dumpsDir));
    const need =
      sample.files.reduce((n, f) => n + f.bytes, 0) +
      (dump?.bytes ?? 0) +
      config.recovery.scratchReserveBytes;
    record.check = await checking;
    const free = await ports.freeBytes(join(config.root, config.drive.mountPoint));
    if (free < need)
      throw new DrillStop(
        `the drive has ${free} bytes free, and the drill needs ${need} (its reserve included)`,
      );
    await mkdir(scratch, { recursive: true, mode: 0o700 });
    const restored = async (path: string, i: number) => {
      const into = join(scratch, String(i));
      await rusticRun(['restore', `${latest.id}:${path}`, into]);
      return join(into, basename(path));
    };
    for (const [i, file] of sample.files.entries()) {
      const at = await restored(file.path, i).catch((error: unknown) => {
        if (error instanceof DrillStop) throw error;
        throw new DrillStop(`rustic restore failed: ${firstLine(error)}`);
      });
      const problem = await compareFiles(at, join(config.root, file.path));
      record.files.checked++;
      if (problem === null) record.files.matched++;
      else if (record.files.mismatches.length < MAX_MISMATCHES)
        record.files.mismatches.push({ path: file.path, problem });
    }
    if (dump) {
      const name = basename(dump.path);
      const at = await restored(dump.path, sample.files.length).catch((error: unknown) => {
        if (error instanceof DrillStop) throw error;
        throw new DrillStop(`rustic restore of the database dump failed: ${firstLine(error)}`);
      });
      const problem = await checkDump(at);
      record.dump = {
        name,
        mtimeMs: dump.mtimeMs,
        bytes: dump.bytes,
        ok: problem === null,
        problem,
      };
    }
    record.result = verdict(record, sample.note);
  } catch (error) {
    record.result = 'error';
    record.reason =
      error instanceof DrillStop ? error.message : `the drill failed: ${firstLine(error)}`;
  } finally {
    if (locked) await releaseLock(config.recovery.lockFile);
    record.scratchRemoved = await removeScratch(scratch);
    record.at = await ports.moment();
  }
  return record;
}

/** verdict: passed only when the check, every file and the dump came back good. */
function verdict(record: DrillRecord, note: string | null): DrillRecord['result'] {
  const reasons: string[] = [];
  if (!record.check?.ok)
    reasons.push(`the repository check failed (${record.check?.problem ?? 'unknown'})`);
  if (record.files.checked === 0) reasons.push(note ?? 'no file of the snapshot could be checked');
  const wrong = record.files.checked - record.files.matched;
  if (wrong > 0) {
    const first = record.files.mismatches[0];
    reasons.push(
      `${wrong} of ${record.files.checked} files came back wrong${first ? `: ${first.path} (${first.problem})` : ''}`,
    );
  }
  if (!record.dump) reasons.push('the backups hold no database dump');
  else if (!record.dump.ok)
    reasons.push(`the database dump ${record.dump.name} is bad: ${record.dump.problem}`);
  record.reason = reasons.length ? reasons.join('; ') : null;
  return reasons.length ? 'failed' : 'passed';
}

export async function removeScratch(scratch: string): Promise<boolean> {
  await rm(scratch, { recursive: true, force: true }).catch(() => {});
  return (await readdir(scratch).catch(() => null)) === null;
}
