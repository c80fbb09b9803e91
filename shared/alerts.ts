// Alerts (ARCHITECTURE §10): their kinds, how urgent each is, and the fixed words of every push.
// The agent builds payloads from these templates only; the PWA shows the same words in lists.
import * as v from 'valibot';
import type { Role } from './roles.ts';

/** ALERT_KINDS are the rows of the §10 table. */
export const ALERT_KINDS = [
  'locked-after-boot',
  'unlock-failed',
  'device-paired',
  'backup-failed',
  'backup-stale',
  'temp-high',
  'undervoltage',
  'disk-full',
  'drive-gone',
  'service-down',
  'immich-back',
  'pairing-locked',
  'bad-signatures',
  'role-changed',
  'immich-jobs-paused',
  'guard-cannot-act',
  'restore-test-failed',
  'restore-test-overdue',
  'db-dump-stale',
  'drive-health-failing',
  'drive-sectors-growing',
] as const;
export const AlertKind = v.picklist(ALERT_KINDS);
export type AlertKind = v.InferOutput<typeof AlertKind>;

/** EVENT_KINDS happen once and never clear; the rest are states that raise and clear. */
export const EVENT_KINDS = [
  'unlock-failed',
  'device-paired',
  'immich-back',
  'pairing-locked',
  'bad-signatures',
  'role-changed',
] as const satisfies readonly AlertKind[];
export type EventKind = (typeof EVENT_KINDS)[number];

/**
 * Critical alerts reach the phone even in quiet hours: the Pi is being damaged or attacked, or
 * the photos are at risk now. The rest wait for the morning and come as one summary. Forged
 * requests (`bad-signatures`) were all refused and need nothing done tonight, so they wait.
 */
export const CRITICAL_KINDS: readonly AlertKind[] = [
  'temp-high',
  'drive-gone',
  'unlock-failed',
  'device-paired',
  'pairing-locked',
  'role-changed',
  'drive-health-failing',
];

/**
 * SECURITY_KINDS are admins' business (ARCHITECTURE §14): who may unlock, who is paired, who is
 * guessing. They are pushed to admins only and left out of a viewer's lists; every other alert
 * (health, backups, Immich back) goes to every device.
 */
export const SECURITY_KINDS: readonly AlertKind[] = [
  'device-paired',
  'role-changed',
  'unlock-failed',
  'pairing-locked',
  'bad-signatures',
];

/** alertIsFor tells whether a device with this role gets an alert of this kind, pushed or listed. */
export const alertIsFor = (role: Role, kind: AlertKind): boolean =>
  role === 'admin' || !SECURITY_KINDS.includes(kind);

/** The app screens an alert's tap may open. */
export type AlertScreen = '/' | '/unlock' | '/alerts' | '/devices' | '/activity' | '/backups';

/** The app screen a tap on the notification opens. */
export const ALERT_SCREEN: Record<AlertKind, AlertScreen> = {
  'locked-after-boot': '/unlock',
  'unlock-failed': '/activity',
  'device-paired': '/devices',
  'backup-failed': '/backups',
  'backup-stale': '/backups',
  'temp-high': '/alerts',
  undervoltage: '/alerts',
  'disk-full': '/alerts',
  'drive-gone': '/',
  'service-down': '/',
  'immich-back': '/',
  'pairing-locked': '/devices',
  'bad-signatures': '/activity',
  'role-changed': '/devices',
  'immich-jobs-paused': '/',
  'guard-cannot-act': '/',
  'restore-test-failed': '/backups',
  'restore-test-overdue': '/backups',
  'db-dump-stale': '/backups',
  'drive-health-failing': '/backups',
  'drive-sectors-growing': '/backups',
};

export const Alert = v.object({
  /** Kind, or kind:subject when one kind has several (service-down:postgresql.service, disk-full:sd). */
  id: v.string(),
  kind: AlertKind,
  critical: v.boolean(),
  /** active: raised and not cleared; resolved: cleared; event: happened once. */
  state: v.picklist(['active', 'resolved', 'event']),
  /** Fixed words with names from the system filled in: render as text. */
  title: v.string(),
  body: v.string(),
  /** The app path a tap opens. */
  navigate: v.string(),
  raisedAt: v.number(),
  resolvedAt: v.nullable(v.number()),
  /** Pushes of this alert are held back until then (wall ms), null when not snoozed. */
  snoozedUntil: v.nullable(v.number()),
});
export type Alert = v.InferOutput<typeof Alert>;

/** The subject of a templated alert: what the words name. */
export interface AlertSubject {
  /** service-down: the unit; disk-full: "sd" or "drive"; device-paired, role-changed: the device's name. */
  name?: string;
  /** device-paired: the new device's role; role-changed: its new role. */
  role?: Role;
  /**
   * temp-high, immich-jobs-paused, guard-cannot-act: °C; disk-full: percent used; unlock-failed: tries left; backup-stale: hours;
   * bad-signatures: how many refused requests sounded it; restore-test-overdue: days since the last pass.
   */
  value?: number;
  /**
   * backup-failed: why the run failed, from its report (system text); guard-cannot-act: what
   * the guard could not do; immich-jobs-paused: 'cpu' when it capped Immich's CPU instead;
   * restore-test-failed: what came back wrong; db-dump-stale: how old the newest dump is, or that
   * backups leave it out; drive-sectors-growing: the counts before and now.
   */
  detail?: string;
}

const celsius = (s: AlertSubject) => (s.value === undefined ? '' : ` (${s.value} °C)`);

/** sentence ends system text with a full stop unless it has one; undefined stays undefined. */
const sentence = (text?: string) =>
  text ? `${text}${/[.!?…]$/.test(text) ? '' : '.'}` : undefined;

const diskName = (name = '') => (name === 'sd' ? 'The SD card' : 'The photo drive');

/** What a device of each role can now do, in the words of device-paired and role-changed. */
const MAY_NOW: Record<Role, string> = {
  admin: 'can now unlock and lock your Pi',
  viewer: 'can now see the Pi’s status, backups and alerts',
};

/** TEMPLATES gives each kind's words when it is raised (or happens) and when it clears. */
export const TEMPLATES: Record<
  AlertKind,
  { title: (s: AlertSubject) => string; body: (s: AlertSubject) => string; resolved?: string }
> = {
  'locked-after-boot': {
    title: () => 'Pi restarted: storage is locked',
    body: () => 'Immich is stopped until you unlock the drive.',
    resolved: 'The drive is unlocked.',
  },
  'unlock-failed': {
    title: () => 'Wrong unlock passphrase',
    body: (s) =>
      s.value === undefined
        ? 'Someone tried to unlock the drive with a wrong passphrase. If it was not you, check Activity.'
        : `Someone tried to unlock the drive with a wrong passphrase (${s.value} tries left before a wait). If it was not you, check Activity.`,
  },
  'device-paired': {
    title: () => 'New device paired',
    body: (s) =>
      `“${s.name ?? 'A device'}” ${MAY_NOW[s.role ?? 'admin']}. If you did not pair it, revoke it in Devices.`,
  },
  'role-changed': {
    title: () => 'Device role changed',
    body: (s) =>
      `“${s.name ?? 'A device'}” is now ${s.role === 'viewer' ? 'a viewer: it can no longer unlock or lock your Pi, only see its status, backups and alerts' : `an admin: it ${MAY_NOW.admin}`}. If you did not change its role, check Devices.`,
  },
  'backup-failed': {
    title: () => 'Backup failed',
    body: (s) =>
      s.detail
        ? `${s.detail}${/[.!?…]$/.test(s.detail) ? '' : '.'} Open Backups for its log.`
        : 'The last backup ended without a new snapshot. Open Backups to see why.',
    resolved: 'A backup finished again.',
  },
  'backup-stale': {
    title: (s) => (s.value === undefined ? 'No recent backup' : `No backup for ${s.value} hours`),
    body: () =>
      'Your photos have no fresh copy in the cloud. Check that the drive is unlocked and the backup timer runs.',
    resolved: 'A backup finished again.',
  },
  'temp-high': {
    title: (s) => `Pi is overheating${s.value === undefined ? '' : ` (${s.value} °C)`}`,
    body: () => 'It will slow down and may shut off. Check its fan and give it air.',
    resolved: 'The Pi has cooled down.',
  },
  undervoltage: {
    title: () => 'Pi power is too low',
    body: () => 'The power supply cannot keep up; the drive may drop. Use the official 3 A supply.',
    resolved: 'The power has been steady for 5 minutes.',
  },
  'disk-full': {
    title: (s) => `${diskName(s.name)} is ${s.value ?? 90} % full`,
    body: (s) =>
      s.name === 'sd'
        ? 'The system may stop working. Clear old logs or Nix generations.'
        : 'New photos may fail to upload. Free space or move to a bigger drive.',
    resolved: 'There is room again.',
  },
  'drive-gone': {
    title: () => 'Photo drive disconnected',
    body: () => 'Immich cannot reach your photos. Check the USB cable, then lock and unlock.',
    resolved: 'The drive is back.',
  },
  'service-down': {
    title: (s) => `${s.name ?? 'A service'} stopped`,
    body: () =>
      'It has been down for 2 minutes while the drive is unlocked. Open the app to see it.',
    resolved: 'It is running again.',
  },
  'immich-back': {
    title: () => 'Immich is back',
    body: () => 'The drive is unlocked and Immich answers. Your photos are available.',
  },
  'immich-jobs-paused': {
    title: (s) =>
      `Pi is hot${celsius(s)}: ${s.detail === 'cpu' ? 'capped Immich’s CPU' : 'paused Immich’s heavy jobs'}`,
    body: (s) =>
      s.detail === 'cpu'
        ? 'Immich runs slower until the Pi has cooled down; then the cap is lifted. Add an Immich API key so that only its heavy jobs wait.'
        : 'Thumbnails, video and machine learning wait until the Pi has cooled down; then they resume on their own.',
    resolved: 'The Pi has cooled down: Immich’s heavy jobs run again.',
  },
  'guard-cannot-act': {
    title: (s) => `Pi is hot${celsius(s)} and the thermal guard cannot slow Immich`,
    body: (s) =>
      `${s.detail ? `${s.detail}${/[.!?…]$/.test(s.detail) ? '' : '.'} ` : ''}Pause Immich’s jobs in its Administration > Jobs page, and check the Pi’s fan.`,
    resolved: 'The thermal guard can act again, or the Pi has cooled down.',
  },
  'restore-test-failed': {
    title: () => 'Restore test failed',
    body: (s) =>
      `${sentence(s.detail) ?? 'A test restore from your backup did not come back intact.'} Open Backups to see what came back wrong.`,
    resolved: 'A restore test passed again.',
  },
  'restore-test-overdue': {
    title: (s) =>
      s.value === undefined ? 'No recent restore test' : `No restore test for ${s.value} days`,
    body: () =>
      'Nobody has checked lately that your backup can be read back. Open Backups and tap “Test a restore now”.',
    resolved: 'A restore test passed again.',
  },
  'db-dump-stale': {
    title: () => 'Backups have no recent database dump',
    body: (s) =>
      `A restore would lose albums, people and users.${s.detail ? ` ${sentence(s.detail)}` : ''} In Immich, turn on its automatic database dumps (Administration > Settings > Backup Settings), and keep immich_data/backups in the backup’s paths.`,
    resolved: 'A fresh database dump is backed up again.',
  },
  'drive-health-failing': {
    title: () => 'The photo drive is failing',
    body: () =>
      'Its SMART self-assessment says it is failing. Check that the last backup and restore test passed, then move your photos to a new drive soon.',
    resolved: 'SMART says the photo drive is healthy again.',
  },
  'drive-sectors-growing': {
    title: () => 'The photo drive has new bad sectors',
    body: (s) =>
      `${sentence(s.detail) ?? 'Its count of bad sectors grew.'} A drive that keeps losing sectors may fail soon: check that backups pass and plan a replacement.`,
    resolved: 'The bad-sector counts have not grown for a week.',
  },
  'pairing-locked': {
    title: () => 'Pairing locked after 5 wrong tries',
    body: () =>
      'Someone tried to pair a device with wrong codes 5 times, so every open pairing code was cancelled. If it was you, make a new code in Devices. If not, someone on your tailnet is guessing: check who can reach your Pi.',
  },
  'bad-signatures': {
    title: () => 'Forged requests refused',
    body: (s) =>
      `The Pi refused ${s.value === undefined ? 'many' : `more than ${s.value}`} requests with bad or unknown signatures in a short time. Nothing was changed. If it keeps happening, check which machines are on your tailnet and revoke any device you do not know in Devices.`,
  },
};

/** alertWords fills a kind's template; resolved alerts say what got better. */
export function alertWords(
  kind: AlertKind,
  subject: AlertSubject,
  resolved = false,
): { title: string; body: string } {
  const template = TEMPLATES[kind];
  const title = template.title(subject);
  if (resolved) return { title: `Resolved: ${title}`, body: template.resolved ?? 'Resolved.' };
  return { title, body: template.body(subject) };
}

/**
 * VIEWER_WORDS reword the alerts whose advice only an admin can follow: a viewer is told an
 * admin must act, and a tap opens Home, not a screen it may not use.
 */
const VIEWER_WORDS: Partial<Record<AlertKind, { body: string; navigate: AlertScreen }>> = {
  'locked-after-boot': {
    body: 'Immich is stopped until an admin unlocks the drive. Ask one of your Pi’s admins to unlock it.',
    navigate: '/',
  },
};

/**
 * alertForRole answers an alert as a device with this role is shown it, in lists and pushes.
 * `resolvedWords` says the alert carries its resolved words (a push of its clear): those fit
 * everyone ("The drive is unlocked."), so only where a tap leads changes.
 */
export function alertForRole(alert: Alert, role: Role, resolvedWords = false): Alert {
  const words = role === 'viewer' ? VIEWER_WORDS[alert.kind] : undefined;
  if (!words) return alert;
  return resolvedWords
    ? { ...alert, navigate: words.navigate }
    : { ...alert, body: words.body, navigate: words.navigate };
}

/** The Declarative Web Push marker (WebKit): a payload with it is shown by Safari itself. */
export const DECLARATIVE_PUSH_MAGIC = 8030;

/** Every push payload: Declarative Web Push JSON, under 3 KB. */
export const PushPayload = v.object({
  web_push: v.literal(DECLARATIVE_PUSH_MAGIC),
  notification: v.object({
    title: v.string(),
    body: v.optional(v.string()),
    /** An absolute URL in the app; the service worker opens only its own origin's. */
    navigate: v.string(),
    /** The alert id: a newer notification with the same tag replaces the older. */
    tag: v.optional(v.string()),
    timestamp: v.optional(v.number()),
    lang: v.optional(v.string()),
    dir: v.optional(v.picklist(['auto', 'ltr', 'rtl'])),
    silent: v.optional(v.boolean()),
  }),
});
export type PushPayload = v.InferOutput<typeof PushPayload>;

export const MAX_PUSH_PAYLOAD_BYTES = 3072;

export const AlertsResponse = v.object({
  active: v.array(Alert),
  /** Newest first, bounded (the agent keeps the last 200). */
  history: v.array(Alert),
});
export type AlertsResponse = v.InferOutput<typeof AlertsResponse>;

/** Snooze an alert's pushes for 15 minutes to 7 days (0 ends a snooze). */
export const SnoozeRequest = v.strictObject({
  minutes: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(7 * 24 * 60)),
});
export type SnoozeRequest = v.InferOutput<typeof SnoozeRequest>;

export const SnoozeResponse = v.object({ alert: Alert });
export type SnoozeResponse = v.InferOutput<typeof SnoozeResponse>;
