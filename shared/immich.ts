// Immich at a glance and the thermal guard (ARCHITECTURE §16) on the wire (docs/api.md).
import * as v from 'valibot';
import { DriveHealth } from './recovery.ts';
import { DriveState, statusEntries } from './status.ts';

/** Immich's two ways to see and pause its queues: the current queues API and the older jobs API. */
export const IMMICH_APIS = ['queues', 'jobs'] as const;
export type ImmichApi = (typeof IMMICH_APIS)[number];

/**
 * What the agent knows of Immich now. `ok`: its queues were read. `no-key`: no API key file on
 * the drive. `key-unsafe`: the key file is refused (readable by everyone, a symlink off the drive,
 * not a small file). `key-refused`: Immich answered 401/403 to the key. `unreachable`: Immich did
 * not answer. `bad-answer`: it answered something we cannot read. `locked`: the drive is locked,
 * so Immich is stopped and there is no key.
 */
export const IMMICH_STATES = [
  'ok',
  'no-key',
  'key-unsafe',
  'key-refused',
  'unreachable',
  'bad-answer',
  'locked',
] as const;
export type ImmichState = (typeof IMMICH_STATES)[number];

/** Immich's queue names and what a person calls them; a queue not named here shows its own name. */
export const QUEUE_LABELS: Record<string, string> = {
  thumbnailGeneration: 'Thumbnails',
  metadataExtraction: 'Metadata',
  videoConversion: 'Video',
  smartSearch: 'Smart search',
  faceDetection: 'Face detection',
  facialRecognition: 'Face recognition',
  ocr: 'Text recognition',
  duplicateDetection: 'Duplicates',
  sidecar: 'Sidecars',
  library: 'Libraries',
  storageTemplateMigration: 'Storage template',
  migration: 'Migration',
  backgroundTask: 'Background tasks',
  search: 'Search',
  notifications: 'Notifications',
  backupDatabase: 'Database dump',
  workflow: 'Workflows',
};

/** The queues that heat the Pi, paused by the guard unless the config names others. */
export const DEFAULT_HEAVY_QUEUES = [
  'thumbnailGeneration',
  'videoConversion',
  'smartSearch',
  'faceDetection',
  'facialRecognition',
  'ocr',
] as const;

/** queueLabel is what a person calls a queue. */
export const queueLabel = (name: string): string => QUEUE_LABELS[name] ?? name;

export const ImmichQueue = v.object({
  name: v.string(),
  label: v.string(),
  waiting: v.number(),
  active: v.number(),
  paused: v.boolean(),
  /** One of the guard's heavy queues. */
  heavy: v.boolean(),
});
export type ImmichQueue = v.InferOutput<typeof ImmichQueue>;

const Celsius = v.pipe(v.number(), v.minValue(30), v.maxValue(100));
const HoldSeconds = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(86_400));

/** The guard's thresholds: the agent config's, or the ones an admin stored from the app. */
export const GuardSettings = v.pipe(
  v.strictObject({
    enabled: v.boolean(),
    /** Pause at or above this many °C held pauseHoldSeconds. */
    pauseC: Celsius,
    pauseHoldSeconds: HoldSeconds,
    /** Resume below this many °C held resumeHoldSeconds. */
    resumeC: Celsius,
    resumeHoldSeconds: HoldSeconds,
  }),
  v.check((s) => s.resumeC < s.pauseC, 'resumeC must be below pauseC'),
);
export type GuardSettings = v.InferOutput<typeof GuardSettings>;

/**
 * The guard now. `idle`: cool, holding nothing. `paused`: it paused heavy queues. `capped`: it
 * capped Immich's CPU (no key, or a pause failed). `overridden`: an admin resumed the queues while
 * hot; the guard waits for a cool-down before it acts again. `off`: turned off.
 */
export const GUARD_STATES = ['idle', 'paused', 'capped', 'overridden', 'off'] as const;
export type GuardState = (typeof GUARD_STATES)[number];

export const GuardStatus = v.object({
  state: v.picklist(GUARD_STATES),
  /** Why it acts: the temperature held high, or the SoC reports throttling; null when idle. */
  reason: v.nullable(v.picklist(['hot', 'throttled'])),
  /** Since when it holds (wall ms); null when idle. */
  since: v.nullable(v.number()),
  /** The queues the guard paused and will resume: never one a person paused. */
  pausedQueues: v.array(v.string()),
  /** Immich's CPU is capped by the guard. */
  capped: v.boolean(),
  /** The last thing it could not do, in plain words; null when all went well. */
  lastError: v.nullable(v.string()),
  settings: GuardSettings,
  /** Settings come from the agent config, or were changed from the app. */
  settingsFrom: v.picklist(['config', 'app']),
});
export type GuardStatus = v.InferOutput<typeof GuardStatus>;

export const ImmichStatus = v.object({
  state: v.picklist(IMMICH_STATES),
  /** One sentence for the tile: what is wrong and what to do; '' when ok. */
  message: v.string(),
  /** Immich's version, "v1.135.3"; null until it answered. */
  version: v.nullable(v.string()),
  api: v.nullable(v.picklist(IMMICH_APIS)),
  /** Known and unknown queues as Immich reported them last, heavy first. */
  queues: v.array(ImmichQueue),
  guard: GuardStatus,
  /** When Immich was last asked (wall ms); null when never. */
  checkedAt: v.nullable(v.number()),
});
export type ImmichStatus = v.InferOutput<typeof ImmichStatus>;

/** POST /immich/jobs: an admin pauses or resumes the heavy queues by hand. */
export const ImmichJobsRequest = v.strictObject({ action: v.picklist(['pause', 'resume']) });
export type ImmichJobsRequest = v.InferOutput<typeof ImmichJobsRequest>;

/** PUT /immich/guard: an admin changes the guard's settings; `reset` goes back to the config's. */
export const GuardSettingsRequest = v.union([
  GuardSettings,
  v.strictObject({ reset: v.literal(true) }),
]);
export type GuardSettingsRequest = v.InferOutput<typeof GuardSettingsRequest>;

/** The answer of both: Immich and the guard after the change. */
export const ImmichResponse = v.object({ immich: ImmichStatus });
export type ImmichResponse = v.InferOutput<typeof ImmichResponse>;

/** StatusResponse checks GET /status whole, its Immich part too (the type is in status.ts). */
export const StatusResponse = v.object({
  ...statusEntries,
  drive: v.object({ state: DriveState, health: v.optional(v.nullable(DriveHealth), null) }),
  immich: v.optional(v.nullable(ImmichStatus), null),
});
