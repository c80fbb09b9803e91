// Activity's one timeline: the audit log and the backup runs, two paged lists, merged by time.
import type { AuditEntry } from '../../../shared/audit.ts';
import type { BackupRunSummary } from '../../../shared/backups.ts';

/** Loaded is what has come of one paged list, newest first, and whether older pages remain. */
export interface Loaded<T> {
  items: T[];
  more: boolean;
}

/** Who is the device an entry names: as it is called now, or as it was if no longer paired. */
export interface Who {
  name: string;
  removed: boolean;
}

export type TimelineItem =
  | { key: string; at: number; audit: AuditEntry; who: Who | null }
  | { key: string; at: number; run: BackupRunSummary };

/** Timeline is what to show, and which lists to page further for what comes before it. */
export interface Timeline {
  items: TimelineItem[];
  older: { audit: boolean; backups: boolean };
}

/**
 * whoFor names an entry's device: its name today if still paired, else the name the entry kept
 * (older agents kept none: then only that it is gone). Null for entries of no device.
 */
export function whoFor(entry: AuditEntry, names: ReadonlyMap<string, string>): Who | null {
  if (entry.deviceId === null) return null;
  const now = names.get(entry.deviceId);
  if (now !== undefined) return { name: now, removed: false };
  return { name: entry.deviceName ?? 'A removed device', removed: true };
}

/** edge is the time a list has loaded back to: -Infinity at its end, +Infinity before any page. */
function edge(times: number[], more: boolean): number {
  if (!more) return Number.NEGATIVE_INFINITY;
  return times.at(-1) ?? Number.POSITIVE_INFINITY;
}

/**
 * mergeTimeline interleaves audit entries and backup runs (by when they ended), newest first. It
 * stops at the newest point either list has not loaded past: below it, an unloaded page of the
 * other list could still belong, so nothing would be shown out of order and then jump.
 */
export function mergeTimeline(
  audit: Loaded<AuditEntry>,
  runs: Loaded<BackupRunSummary>,
  names: ReadonlyMap<string, string>,
): Timeline {
  const auditEdge = edge(
    audit.items.map((entry) => entry.at),
    audit.more,
  );
  const runsEdge = edge(
    runs.items.map((run) => run.endedAt),
    runs.more,
  );
  const horizon = Math.max(auditEdge, runsEdge);
  const items: TimelineItem[] = [
    ...audit.items.map((entry) => ({
      key: `a${entry.id}`,
      at: entry.at,
      audit: entry,
      who: whoFor(entry, names),
    })),
    ...runs.items.map((run) => ({ key: `b${run.id}`, at: run.endedAt, run })),
  ];
  return {
    items: items.filter((item) => item.at >= horizon).sort((a, b) => b.at - a.at),
    older: { audit: audit.more && auditEdge >= horizon, backups: runs.more && runsEdge >= horizon },
  };
}
