// Reads `rustic snapshots --json` in every shape rustic has printed, so report-backup can note ids.
import type { SnapshotInfo, SnapshotListing } from '../../domain/backups/spool-record.ts';

const NOT_JSON = 'rustic printed no JSON';
const CUT_OFF = 'the snapshot list rustic printed is cut off or malformed';
const UNKNOWN_SHAPE = 'the snapshot list is not in a shape we know';
// A listing opens with `[{`, `[[` or `[]`; a log line such as `[ERROR] ...` does not.
const STARTS_LIKE_A_LISTING = /^(\{|\[\s*($|[[{\]]))/;

/**
 * parseSnapshots reads the three shapes of `rustic snapshots --json`: grouped (0.10+,
 * `[{group_key, snapshots}]`), flat (`--group-by ''`, `[snapshot]`) and 0.9's tuples
 * (`[[group_key, [snapshot]]]`). Unknown fields are ignored and an entry without an id is
 * skipped, so one odd snapshot cannot hide the others. The result is oldest first, each id once.
 * It never throws, and its error never repeats the output (it can be huge and holds paths).
 */
export function parseSnapshots(stdout: string): SnapshotListing {
  const text = stdout.trim();
  if (text === '') return { ok: false, error: NOT_JSON };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, error: STARTS_LIKE_A_LISTING.test(text) ? CUT_OFF : NOT_JSON };
  }
  if (!Array.isArray(parsed)) return { ok: false, error: UNKNOWN_SHAPE };

  const raw: unknown[] = [];
  let recognised = 0;
  for (const entry of parsed) {
    const members = groupMembers(entry);
    if (members) {
      recognised++;
      for (const member of members) raw.push(member);
    } else if (looksLikeSnapshot(entry)) {
      recognised++;
      raw.push(entry);
    }
  }
  if (parsed.length > 0 && recognised === 0) return { ok: false, error: UNKNOWN_SHAPE };

  const seen = new Set<string>();
  const snapshots: SnapshotInfo[] = [];
  for (const entry of raw) {
    const snapshot = toSnapshotInfo(entry);
    if (!snapshot || seen.has(snapshot.id)) continue;
    seen.add(snapshot.id);
    snapshots.push(snapshot);
  }
  // Array.prototype.sort is stable, so snapshots without a time keep their order at the end.
  snapshots.sort(byTimeThenUnknownLast);
  return { ok: true, snapshots };
}

/** The snapshots of one group, in either group shape, or null when entry is not a group. */
function groupMembers(entry: unknown): unknown[] | null {
  if (Array.isArray(entry)) {
    return entry.length === 2 && isRecord(entry[0]) && Array.isArray(entry[1]) ? entry[1] : null;
  }
  if (isRecord(entry) && Array.isArray(entry.snapshots)) return entry.snapshots;
  return null;
}

function looksLikeSnapshot(entry: unknown): boolean {
  return isRecord(entry) && ('id' in entry || 'time' in entry || 'tree' in entry);
}

function toSnapshotInfo(entry: unknown): SnapshotInfo | null {
  if (!isRecord(entry) || typeof entry.id !== 'string' || entry.id === '') return null;
  const time = typeof entry.time === 'string' ? entry.time : '';
  const summary = isRecord(entry.summary) ? entry.summary : {};
  return {
    id: entry.id,
    time,
    timeMs: parseSnapshotTime(time),
    filesNew: count(summary.files_new),
    filesChanged: count(summary.files_changed),
    filesProcessed: count(summary.total_files_processed),
    bytesAdded: count(summary.data_added),
    bytesProcessed: count(summary.total_bytes_processed),
    ...pathsOf(entry.paths),
  };
}

/** At most this many paths are kept per snapshot (a backup names a few). */
const MAX_PATHS = 100;

/** pathsOf keeps a snapshot's string paths; nothing when rustic printed none. */
function pathsOf(value: unknown): { paths?: string[] } {
  if (!Array.isArray(value)) return {};
  const paths = value.filter(
    (path): path is string => typeof path === 'string' && path.length <= 4096,
  );
  return { paths: paths.slice(0, MAX_PATHS) };
}

function byTimeThenUnknownLast(a: SnapshotInfo, b: SnapshotInfo): number {
  if (a.timeMs === null) return b.timeMs === null ? 0 : 1;
  if (b.timeMs === null) return -1;
  return a.timeMs - b.timeMs;
}

function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// RFC 3339 with up to 9 fraction digits; newer rustic (jiff's Zoned) may add an RFC 9557 `[zone]`.
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|([+-])(\d{2}):(\d{2}))(?:\[[^\]]{1,64}\])?$/;

/**
 * parseSnapshotTime turns rustic's snapshot time into epoch ms, the fraction cut (not rounded)
 * to ms, or null when it is not RFC 3339. Date.parse is not used: engines differ on 9 digits.
 */
export function parseSnapshotTime(text: string): number | null {
  const match = RFC3339.exec(text);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fraction = match[7] ?? '';
  const sign = match[9] === '-' ? -1 : 1;
  const offsetHours = Number(match[10] ?? 0);
  const offsetMinutes = Number(match[11] ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  // Second 60 is RFC 3339's leap second; it rolls into the next minute like Date does.
  if (hour > 23 || minute > 59 || second > 60 || offsetHours > 23 || offsetMinutes > 59) {
    return null;
  }
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 1900-1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, Number(fraction.padEnd(3, '0').slice(0, 3)));
  const ms = date.getTime() - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  return Number.isFinite(ms) ? ms : null;
}

function daysIn(year: number, month: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, 0);
  return date.getUTCDate();
}
