// Activity: the agent's audit log (pairings, revocations, unlocks and locks), newest first.
import { useEffect, useState } from 'preact/hooks';
import type { AuditEntry, AuditKind } from '../../../shared/audit.ts';
import { describeError } from '../errors.ts';
import { useAction } from '../hooks/useAction.ts';
import { useStore } from '../store.ts';
import { Notice } from '../ui/Notice.tsx';
import { Screen } from '../ui/Screen.tsx';
import { formatWhen } from '../when.ts';

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

/** Activity pages through the audit log. */
export function Activity() {
  const store = useStore();
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const { busy, error, run } = useAction();

  async function load(before: number | null) {
    await run(async () => {
      const page = await (await store.api.deviceCalls()).audit({ before, limit: PAGE });
      setEntries((shown) => (before === null ? page.entries : [...(shown ?? []), ...page.entries]));
      setNextBefore(page.nextBefore);
    });
  }
  // The first page loads once, on arrival.
  useEffect(() => {
    load(null);
  }, []);

  return (
    <Screen title="Activity" back={SETTINGS}>
      {error !== null && <Notice kind="error">{describeError(error)}</Notice>}
      {entries === null && error === null && <p>Loading…</p>}
      {entries?.length === 0 && <p>Nothing has happened yet.</p>}
      {entries && entries.length > 0 && (
        <ol class="list" aria-label="Activity, newest first">
          {entries.map((entry) => (
            <li
              key={entry.id}
              class={`list-item ${SECURITY_KINDS.has(entry.kind) ? 'is-security' : ''}`}
            >
              <div class="entry-head">
                <strong>{KIND_WORDS[entry.kind]}</strong>
                <time class="hint" dateTime={new Date(entry.at).toISOString()}>
                  {formatWhen(entry.at, Date.now())}
                </time>
              </div>
              <p>{entry.detail}</p>
            </li>
          ))}
        </ol>
      )}
      {nextBefore !== null && (
        <button type="button" disabled={busy} onClick={() => load(nextBefore)}>
          {busy ? 'Loading…' : 'Show older'}
        </button>
      )}
    </Screen>
  );
}
