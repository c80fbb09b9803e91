// The audit log: what happened to pairing and devices, newest first, bounded, kept in audit.json.
import * as v from 'valibot';
import { AUDIT_KINDS, type AuditEntry } from '../../../shared/audit.ts';
import type { StateFile } from '../adapters/state-store/index.ts';

const MAX_ENTRIES = 1000;

// Kinds are kept as any string on disk: after a rollback (NixOS keeps old generations) an older
// agent must not take a newer agent's kinds for corruption and reset the whole log.
const StoredEntry = v.object({
  id: v.number(),
  at: v.number(),
  kind: v.string(),
  deviceId: v.nullable(v.string()),
  // Written since entries name their device; an older agent after a rollback drops it on a write.
  deviceName: v.optional(v.string()),
  detail: v.string(),
});
export const AuditState = v.object({ nextId: v.number(), entries: v.array(StoredEntry) });
export type AuditState = v.InferOutput<typeof AuditState>;

const KNOWN_KINDS: ReadonlySet<string> = new Set(AUDIT_KINDS);
const isKnown = (entry: v.InferOutput<typeof StoredEntry>): entry is AuditEntry =>
  KNOWN_KINDS.has(entry.kind);

/** emptyAudit is a log with nothing in it. */
export const emptyAudit = (): AuditState => ({ nextId: 1, entries: [] });

/** AuditLog records security-relevant events; a failed write is logged, never thrown at a caller. */
export class AuditLog {
  constructor(
    private readonly file: StateFile<AuditState>,
    private readonly wall: () => number,
    private readonly onWriteError: (error: unknown) => void,
    /** The name of the device an entry is about, kept with it: the device may be gone later. */
    private readonly deviceName: (deviceId: string) => string | null = () => null,
  ) {}

  /** record appends an entry, with its device's name as of now, and resolves once it is on disk. */
  record(kind: AuditEntry['kind'], detail: string, deviceId: string | null = null): Promise<void> {
    const at = this.wall();
    const name = deviceId === null ? null : this.deviceName(deviceId);
    return this.file
      .update(({ nextId, entries }) => {
        const entry: AuditEntry = {
          id: nextId,
          at,
          kind,
          deviceId,
          ...(name === null ? {} : { deviceName: name }),
          detail,
        };
        return { nextId: nextId + 1, entries: [...entries, entry].slice(-MAX_ENTRIES) };
      })
      .catch(this.onWriteError);
  }

  /** list returns up to `limit` entries older than id `before`, newest first (known kinds only). */
  list(limit: number, before?: number): { entries: AuditEntry[]; nextBefore: number | null } {
    const older = this.file.value.entries
      .filter(isKnown)
      .filter((e) => before === undefined || e.id < before);
    const page = older.slice(-limit).reverse();
    const last = page.at(-1);
    return { entries: page, nextBefore: older.length > limit && last ? last.id : null };
  }
}
