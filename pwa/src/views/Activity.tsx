// Activity: the agent's audit log (pairings, revocations, unlocks and locks) and the backup runs,
// newest first, each entry with the device it came from.
import { useEffect, useState } from 'preact/hooks';
import type { AuditEntry, AuditKind } from '../../../shared/audit.ts';
import type { BackupResult } from '../../../shared/backup-summary.ts';
import type { BackupRunSummary } from '../../../shared/backups.ts';
import { formatDateTime } from '../clock.ts';
import { describeError } from '../errors.ts';
import { formatBytes } from '../format.ts';
import { useAction } from '../hooks/useAction.ts';
import { runPath } from '../router.ts';
import { useStore } from '../store.ts';
import { Link } from '../ui/Link.tsx';
import { Notice } from '../ui/Notice.tsx';
import { Screen } from '../ui/Screen.tsx';
import { formatWhen } from '../when.ts';
import { type Loaded, mergeTimeline, type TimelineItem, type Who } from './activity-timeline.ts';
import './Activity.css';

const SETTINGS = { to: '/settings', label: 'Settings' } as const;

const PAGE = 50;

const KIND_WORDS: Record<AuditKind, string> = {
  'agent-started': 'Agent started',
  'device-paired': 'Device paired',
  'device-renamed': 'Device renamed',
  'device-role-changed': 'Device role changed',
  'device-revoked': 'Device revoked',
  'pairing-code-created': 'Pairing code made',
  'pairing-failed': 'Pairing failed',
  'pairing-locked': 'Pairing locked',
  'bad-signatures': 'Forged requests refused',
  'state-recovered': 'State recovered',
  unlocked: 'Drive unlocked',
  'unlock-failed': 'Unlock failed',
  'unlock-checked': 'Passphrase checked',
  locked: 'Drive locked',
  'lock-failed': 'Lock failed',
  'backup-started': 'Backup started',
  'backup-schedule-kept': 'Nightly backup time kept',
  'restore-test-started': 'Restore test started',
  'immich-jobs-paused': 'Immich jobs paused',
  'immich-jobs-resumed': 'Immich jobs resumed',
  'guard-settings-changed': 'Thermal guard changed',
};
const SECURITY_KINDS = new Set<AuditKind>([
  'pairing-failed',
  'pairing-locked',
  'bad-signatures',
  'state-recovered',
  'unlock-failed',
]);

const RUN_WORDS: Record<BackupResult, string> = {
  succeeded: 'Backup finished',
  partial: 'Backup finished, some files skipped',
  failed: 'Backup failed',
  interrupted: 'Backup interrupted',
  unknown: 'Backup ended, result unknown',
};

/** Pages is what has come of both lists, with the cursor of each one's next page. */
interface Pages {
  audit: Loaded<AuditEntry> & { before: number | null };
  runs: Loaded<BackupRunSummary> & { before: string | null };
  names: ReadonlyMap<string, string>;
}

/** Activity pages through the audit log and the backup runs as one timeline. */
export function Activity() {
  const store = useStore();
  const [pages, setPages] = useState<Pages | null>(null);
  const { busy, error, run } = useAction();

  /** load fetches the first pages (and the device names), or the next page of the lists asked. */
  async function load(older: { audit: boolean; backups: boolean } | null) {
    await run(async () => {
      const [devices, backups] = await Promise.all([
        store.api.deviceCalls(),
        store.api.backupCalls(),
      ]);
      const [audit, runs, named] = await Promise.all([
        !older || older.audit
          ? devices.audit({ before: pages?.audit.before ?? null, limit: PAGE })
          : null,
        !older || older.backups
          ? backups.backups({ before: pages?.runs.before ?? null, limit: PAGE })
          : null,
        older ? null : devices.devices(),
      ]);
      setPages((shown) => ({
        audit: audit
          ? {
              items: [...(older ? (shown?.audit.items ?? []) : []), ...audit.entries],
              more: audit.nextBefore !== null,
              before: audit.nextBefore,
            }
          : (shown?.audit ?? { items: [], more: false, before: null }),
        runs: runs
          ? {
              items: [...(older ? (shown?.runs.items ?? []) : []), ...runs.runs],
              more: runs.next !== null,
              before: runs.next,
            }
          : (shown?.runs ?? { items: [], more: false, before: null }),
        names: named
          ? new Map(named.devices.map((d) => [d.id, d.name]))
          : (shown?.names ?? new Map()),
      }));
    });
  }
  // The first pages load once, on arrival.
  useEffect(() => {
    load(null);
  }, []);

  const timeline = pages && mergeTimeline(pages.audit, pages.runs, pages.names);
  const now = Date.now();
  return (
    <Screen title="Activity" back={SETTINGS}>
      {error !== null && <Notice kind="error">{describeError(error)}</Notice>}
      {timeline === null && error === null && <p>Loading…</p>}
      {timeline?.items.length === 0 && <p>Nothing has happened yet.</p>}
      {timeline && timeline.items.length > 0 && (
        <ol class="list" aria-label="Activity, newest first">
          {timeline.items.map((item) => (
            <TimelineEntry key={item.key} item={item} now={now} />
          ))}
        </ol>
      )}
      {timeline && (timeline.older.audit || timeline.older.backups) && (
        <button type="button" disabled={busy} onClick={() => load(timeline.older)}>
          {busy ? 'Loading…' : 'Show older'}
        </button>
      )}
    </Screen>
  );
}

/** TimelineEntry is one audit entry with its device, or one backup run with its result. */
function TimelineEntry(props: { item: TimelineItem; now: number }) {
  const { item, now } = props;
  const when = (
    <time class="hint" dateTime={new Date(item.at).toISOString()} title={formatDateTime(item.at)}>
      {formatWhen(item.at, now)}
    </time>
  );
  if ('run' in item) {
    const bad = item.run.result === 'failed' || item.run.result === 'interrupted';
    return (
      <li class={`list-item ${bad ? 'is-failed' : ''}`} data-testid="activity-backup">
        {/* The whole entry opens the run's own page, as a row of Backups does. */}
        <Link to={runPath(item.run.id)} class="activity-run">
          <div class="entry-head">
            <strong>{RUN_WORDS[item.run.result]}</strong>
            {when}
          </div>
          <p>{item.run.reason ?? runLine(item.run)}</p>
          <span class="activity-chevron" aria-hidden="true">
            ›
          </span>
        </Link>
      </li>
    );
  }
  const { audit, who } = item;
  return (
    <li class={`list-item ${SECURITY_KINDS.has(audit.kind) ? 'is-security' : ''}`}>
      <div class="entry-head">
        <strong>{KIND_WORDS[audit.kind]}</strong>
        {when}
      </div>
      {who && <DeviceName who={who} />}
      <p>{audit.detail}</p>
    </li>
  );
}

function DeviceName(props: { who: Who }) {
  return (
    <p class="activity-device" data-testid="activity-device">
      <span class="sr-only">Device: </span>
      <span class="badge">{props.who.name}</span>
      {props.who.removed && <span class="hint"> (removed)</span>}
    </p>
  );
}

/** runLine sums up a run that went well: what it added. */
function runLine(run: BackupRunSummary): string {
  const files = run.filesNew === null ? null : `${run.filesNew} new files`;
  const bytes = run.bytesAdded === null ? null : `${formatBytes(run.bytesAdded)} added`;
  return [files, bytes].filter(Boolean).join(', ') || 'Snapshot saved.';
}
