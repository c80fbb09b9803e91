// `npm start`'s demo backup history: weeks of nightly runs written straight into the sandbox's
// spool as report-backup writes them (marked demo), their snapshots into rustic's fake repository.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as v from 'valibot';
import { parseSnapshots, parseSnapshotTime } from '../agent/src/adapters/rustic/snapshots.ts';
import { writeSpoolFile } from '../agent/src/adapters/spool.ts';
import {
  type Moment,
  RunRecord,
  type SnapshotInfo,
} from '../agent/src/domain/backups/spool-record.ts';
import { type Chance, chance, localTime, type RawSnapshot, snapshotAfter } from './rustic-repo.ts';

export interface SeedTarget {
  spoolDir: string;
  /** The stub rustic's repository (an array of snapshot objects). */
  repoFile: string;
  /** Where the stub journalctl finds a run's lines: `<journalDir>/<invocation id>.log`. */
  journalDir: string;
  /** The backup unit's name, as the records name it. */
  unit: string;
  /** The path the backups save (the drive's immich_data). */
  source: string;
}

export interface SeedOptions {
  /** How many nightly runs, one a day, the newest last night (21 by default). */
  days?: number;
  /** The moment the history ends before (Date.now() by default); the same now, the same history. */
  now?: number;
  /**
   * When set, the newest run ended at this moment and every night's run starts near its time of
   * day instead of ~03:00: for tests that need the last good backup to be a set age.
   */
  lastRunEndedAt?: number;
}

type Kind = 'succeeded' | 'failed' | 'partial' | 'interrupted';
/** What went wrong in the run this many nights back; every other run, the newest too, succeeded. */
const MISHAPS: Partial<Record<number, Kind>> = { 4: 'failed', 9: 'partial', 13: 'interrupted' };
/** Nights back when many photos came in at once (a holiday imported). */
const BIG_NIGHTS = new Set([6, 16]);
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const ENDS: Record<Kind, [string, string, string]> = {
  succeeded: ['success', 'exited', '0'],
  partial: ['success', 'exited', '0'],
  interrupted: ['success', 'exited', '0'],
  failed: ['exit-code', 'exited', '1'],
};

/**
 * seedBackupHistory writes one run record (checked against RunRecord, before record inside) per
 * night of the last `days`, and adds their snapshots to the repository, each record listing the
 * snapshots there were by its end. Answers how many runs it wrote.
 */
export async function seedBackupHistory(
  target: SeedTarget,
  options: SeedOptions = {},
): Promise<number> {
  const days = options.days ?? 21;
  const now = options.now ?? Date.now();
  if (!Number.isInteger(days) || days < 1 || days > 400) throw new Error('days must be 1-400');
  const random = chance(0x1ba7c4 ^ days);
  const repo = await readRepo(target.repoFile);
  const ending = options.lastRunEndedAt;
  const lastNight = ending === undefined ? lastRunNight(now) : ending - 15 * MINUTE;
  const firstStart = lastNight - (days - 1) * DAY;
  if (repo.length === 0)
    repo.push(snapshotAfter(null, initialBackup(firstStart - 30 * DAY, target.source), random));
  // One boot all along, so each run's monotonic span is its duration.
  const bootId = random.uuid();
  const bootWall = firstStart - 3 * DAY;
  const moment = (wallMs: number): Moment => ({ wallMs, bootId, monoMs: wallMs - bootWall });

  for (let back = days - 1; back >= 0; back--) {
    const kind = MISHAPS[back] ?? 'succeeded';
    const photos = BIG_NIGHTS.has(back) ? 1000 + random.int(900) : random.int(480);
    const bytes = photos * 4_200_000 + 60_000_000; // the photos, and Immich's nightly database dump
    const seconds = durationSeconds(kind, bytes, random);
    const day = new Date(lastNight);
    day.setDate(day.getDate() - back); // local days, so 03:00 stays 03:00 across DST
    const jitter = random.int(90_000);
    const start =
      back === 0 && ending !== undefined ? ending - seconds * 1000 : day.getTime() + jitter;
    const end = start + seconds * 1000;
    const listing = (until: number) => listSnapshots(repo.filter((s) => timeOf(s) <= until));
    const before = listing(start);
    const parent = repo.filter((s) => timeOf(s) < start).at(-1) ?? null;
    const night = { kind, start, end, photos, bytes, source: target.source };
    const { log, snapshot } = playRun(night, parent, before.length, random);
    if (snapshot) {
      repo.push(snapshot);
      repo.sort((a, b) => timeOf(a) - timeOf(b));
    }

    const invocationId = random.hex(16);
    const [serviceResult, exitCode, exitStatus] = ENDS[kind];
    const record = v.parse(RunRecord, {
      v: 1,
      kind: 'run',
      invocationId,
      unit: target.unit,
      before: {
        v: 1,
        kind: 'before',
        invocationId,
        at: moment(start),
        snapshotIds: before.map((s) => s.id),
        error: null,
      },
      at: moment(end),
      serviceResult,
      exitCode,
      exitStatus,
      snapshots: { ok: true, snapshots: listing(end) },
      log,
      logError: null,
      demo: true,
    });
    await writeSpoolFile(target.spoolDir, `${invocationId}.run.json`, JSON.stringify(record));
    await writeFile(join(target.journalDir, `${invocationId}.log`), `${log.join('\n')}\n`);
  }
  const temp = `${target.repoFile}.seed.tmp`;
  await writeFile(temp, `${JSON.stringify(repo, null, 2)}\n`);
  await rename(temp, target.repoFile);
  return days;
}

/** One night's run as seedBackupHistory plans it. */
interface Night {
  kind: Kind;
  start: number;
  end: number;
  photos: number;
  bytes: number;
  source: string;
}

/**
 * playRun makes a night's journal lines (as report-backup takes them: the --before line, then
 * rustic's) and, for a run that saved one, its snapshot on top of parent.
 */
function playRun(night: Night, parent: RawSnapshot | null, before: number, random: Chance) {
  const { kind, start, end, source } = night;
  const log = [
    `${localTime(start)} immich-pi-report-backup[${1000 + random.int(30_000)}]: report-backup: noted ${before} snapshots before the backup`,
  ];
  const pid = 1000 + random.int(30_000);
  const say = (at: number, line: string) => log.push(`${localTime(at)} rustic[${pid}]: ${line}`);
  const using = parent ? `[INFO] using parent ${parent.id.slice(0, 8)}` : '[INFO] no parent found';
  say(
    start + 2000,
    '[INFO] repository sftp:backup@nas.local:/srv/rustic/immich: password is correct.',
  );
  say(start + 2100, using);
  say(start + 2300, `[INFO] starting to backup ${source} ...`);
  if (kind === 'failed') {
    const url = 'https://s3.eu-central-1.example.com/immich-pi-backup/data/4f';
    for (let i = 1; i <= 3; i++) {
      say(
        start + i * 2 * MINUTE,
        `[WARN] error sending request for url (${url}): connection timed out. Retrying...`,
      );
    }
    say(end - 1000, `[ERROR] error sending request for url (${url}): connection timed out`);
    say(end - 900, '[ERROR] the repository backend did not answer after 3 retries');
    return { log, snapshot: null };
  }
  if (kind === 'interrupted') {
    say(end - 800, '[INFO] received SIGTERM, stopping');
    return { log, snapshot: null };
  }
  const skipped = kind === 'partial' ? 3 : 0;
  for (let i = 0; i < skipped; i++) {
    const file = `${source}/library/admin/2026/IMG_${4500 + i * 17}.HEIC`;
    say(
      start + (i + 1) * MINUTE,
      `[WARN] ignoring error opening file ${file}: Permission denied (os error 13)`,
    );
  }
  const saved = { ...night, start: start + 2300, end: end - 1500, skipped };
  const snapshot = snapshotAfter(parent, saved, random);
  const { summary } = snapshot;
  const mib = (n: number) => `${(n / 1_048_576).toFixed(1)} MiB`;
  say(end - 1200, `Files:        ${summary.files_new} new, ${summary.files_changed} changed`);
  say(
    end - 1200,
    `Added to the repository: ${mib(summary.data_added)} (${mib(summary.data_added_packed)} packed)`,
  );
  say(end - 1100, `snapshot ${snapshot.id.slice(0, 8)} successfully saved.`);
  say(end - 1000, `[INFO] backup of ${source} done.`);
  return { log, snapshot };
}

/** lastRunNight is 03:00 local of the newest night whose run had surely ended by now. */
function lastRunNight(now: number): number {
  const night = new Date(now);
  night.setHours(3, 0, 0, 0);
  if (night.getTime() + 30 * MINUTE > now) night.setDate(night.getDate() - 1);
  return night.getTime();
}

/** durationSeconds: 5 minutes to look at every file, then the upload at 8 MB/s (5-25 minutes). */
function durationSeconds(kind: Kind, bytes: number, random: Chance): number {
  if (kind === 'failed') return 7 * 60 + random.int(120);
  if (kind === 'interrupted') return 3 * 60 + random.int(200);
  return 300 + Math.round(bytes / 8_000_000) + random.int(90);
}

/** initialBackup is the first snapshot ever, from before the history: the whole library. */
function initialBackup(start: number, source: string) {
  return {
    start,
    end: start + 9 * 3600_000,
    photos: 34_500,
    bytes: 372_000_000_000,
    skipped: 0,
    source,
  };
}

const timeOf = (snapshot: RawSnapshot) => parseSnapshotTime(snapshot.time) ?? 0;

/** listSnapshots reads snapshots as report-backup does, so seeded records match real ones. */
function listSnapshots(snapshots: RawSnapshot[]): SnapshotInfo[] {
  const listing = parseSnapshots(JSON.stringify(snapshots));
  if (!listing.ok) throw new Error(`seeded snapshots do not parse: ${listing.error}`);
  return listing.snapshots;
}

async function readRepo(file: string): Promise<RawSnapshot[]> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    return Array.isArray(parsed) ? (parsed as RawSnapshot[]) : [];
  } catch {
    return [];
  }
}
