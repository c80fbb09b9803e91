// The drive's SMART health in words (ARCHITECTURE §17): status.drive.health is unchecked in the
// first load, so it is checked here, in the Backups screen's lazy chunk, before it is drawn.
import * as v from 'valibot';
import { DriveHealth, type DriveHealthState } from '../../../shared/recovery.ts';
import { formatAge } from '../format.ts';

/** readDriveHealth checks status.drive.health: null when not sent, 'unreadable' when malformed. */
export function readDriveHealth(raw: unknown): DriveHealth | null | 'unreadable' {
  if (raw === null || raw === undefined) return null;
  const read = v.safeParse(DriveHealth, raw);
  return read.success ? read.output : 'unreadable';
}

/** HEALTH_WORDS names each state, its colour, and how to read it and what to do. */
export const HEALTH_WORDS: Record<
  DriveHealthState,
  { label: string; level: 'ok' | 'warn' | 'bad' | 'muted'; advice: string | null }
> = {
  ok: { label: 'Healthy', level: 'ok', advice: null },
  warning: {
    label: 'Bad sectors found',
    level: 'warn',
    advice:
      'A few bad sectors are no emergency; a count that keeps growing is. Check that backups and restore tests pass, and plan a replacement.',
  },
  failing: {
    label: 'Failing: replace the drive soon',
    level: 'bad',
    advice:
      'The drive’s own self-check expects it to fail. Check that the last backup and restore test passed, then move your photos to a new drive soon.',
  },
  unsupported: {
    label: 'Your USB adapter passes no SMART data: health cannot be read (not an error)',
    level: 'muted',
    advice: null,
  },
  unknown: { label: 'Not read yet', level: 'muted', advice: null },
};

const count = (n: number) => n.toLocaleString();

/** HealthFact is one measured number with its name, as the card's list shows it. */
export interface HealthFact {
  name: string;
  value: string;
  /** Whether the number itself wants a look (a bad sector, a media error). */
  bad: boolean;
}

/** healthFacts lists what SMART told: hours, temperature, and the sector or NVMe counts. */
export function healthFacts(health: DriveHealth): HealthFact[] {
  const facts: HealthFact[] = [];
  const add = (name: string, n: number | null, value = (x: number) => count(x), bad = false) => {
    if (n !== null) facts.push({ name, value: value(n), bad: bad && n > 0 });
  };
  add('Powered on', health.powerOnHours, (h) => `${count(h)} hours`);
  add('Temperature', health.temperatureC, (c) => `${c} °C`);
  add('Reallocated sectors', health.reallocatedSectors, count, true);
  add('Pending sectors', health.pendingSectors, count, true);
  const uncorrectable =
    health.offlineUncorrectable === null && health.reportedUncorrectable === null
      ? null
      : Math.max(health.offlineUncorrectable ?? 0, health.reportedUncorrectable ?? 0);
  add('Uncorrectable sectors', uncorrectable, count, true);
  add('Endurance used', health.percentUsed, (p) => `${p}%`, false);
  add('Media errors', health.mediaErrors, count, true);
  return facts;
}

/** readAtWords says when SMART was read: "Read 3 hours ago", or that it never was. */
export function readAtWords(health: DriveHealth, now: number): string {
  return health.readAt === null
    ? 'Read once the drive is unlocked, then daily.'
    : `Read ${formatAge(now - health.readAt)}; read again daily and after each unlock.`;
}
