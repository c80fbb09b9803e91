// Status and the temperature history on the wire (docs/api.md).
import * as v from 'valibot';
import { Alert } from './alerts.ts';
import { BackupSummary } from './backup-summary.ts';
import type { ImmichStatus } from './immich.ts';
import { PushHealth } from './push.ts';
import type { DriveHealth } from './recovery.ts';
import { Role } from './roles.ts';

export const DRIVE_STATES = [
  'missing',
  'locked',
  'unlocking',
  'running',
  'degraded',
  'failed',
  'locking',
] as const;
export const DriveState = v.picklist(DRIVE_STATES);
export type DriveState = v.InferOutput<typeof DriveState>;

export const DiskUsage = v.object({
  id: v.picklist(['sd', 'drive']),
  mountPoint: v.string(),
  usedBytes: v.number(),
  totalBytes: v.number(),
  usedPercent: v.number(),
});
export type DiskUsage = v.InferOutput<typeof DiskUsage>;

export const Warning = v.object({ code: v.string(), message: v.string(), at: v.number() });
export type Warning = v.InferOutput<typeof Warning>;

export const UNIT_STATES = [
  'active',
  'activating',
  'deactivating',
  'inactive',
  'failed',
  'unknown',
] as const;

export const UnitStatus = v.object({
  /** The systemd unit, e.g. immich-server.service. */
  unit: v.string(),
  /** What a person calls it: "Postgres", "Immich", "Machine learning". */
  label: v.string(),
  state: v.picklist(UNIT_STATES),
});
export type UnitStatus = v.InferOutput<typeof UnitStatus>;

/**
 * The parts of GET /status but Immich's. Its Immich part is checked apart (ImmichStatus in
 * immich.ts), so that the app's first load does not carry the Immich schemas (pwa budget).
 */
export const statusEntries = {
  /** Agent wall clock when the answer was made, ms. */
  time: v.number(),
  /** When the system was last sampled, ms (agent clock). */
  sampledAt: v.number(),
  bootId: v.string(),
  uptimeSeconds: v.nullable(v.number()),
  /**
   * The drive, and what SMART says about its disk (DriveHealth in recovery.ts; null before the
   * first read or from an older agent). Checked by the lazy drive health card, not here.
   */
  drive: v.object({ state: DriveState, health: v.optional(v.unknown(), null) }),
  /** CPU temperature in °C, null when the thermal zone cannot be read. */
  temperatureC: v.nullable(v.number()),
  /** Under-voltage alarm from hwmon rpi_volt, null when there is no such sensor. */
  undervoltage: v.nullable(v.boolean()),
  disks: v.array(DiskUsage),
  /** Things the owner should know that are not alerts yet, e.g. a recovered state file. */
  warnings: v.array(Warning),
  /** The configured services, in start order (postgresql, immich-server, machine learning). */
  units: v.array(UnitStatus),
  /** The unlock or lock running now, to follow with GET /operations/{id}; null when none. */
  operation: v.nullable(v.object({ id: v.string(), kind: v.picklist(['unlock', 'lock']) })),
  /** Wrong-passphrase budget: tries left before a wait, and the wait when it applies. */
  unlock: v.object({ triesLeft: v.number(), retryAfterSeconds: v.nullable(v.number()) }),
  /** The active alerts, most urgent first. */
  alerts: v.optional(v.array(Alert), []),
  /** Push delivery to the device asking; null when it has no subscription. */
  push: v.optional(v.nullable(PushHealth), null),
  /** Backups at a glance: last good one, next run, one running now. */
  backup: v.optional(v.nullable(BackupSummary), null),
  /** Where a phone opens Immich's web app (the Pi's name on Immich's port); null when unknown. */
  immichWebUrl: v.optional(v.nullable(v.string()), null),
  /**
   * The asking device's role, and the admins' names (whom a viewer asks to unlock). An older
   * agent sends none: all its devices were admins.
   */
  access: v.optional(v.object({ role: Role, adminNames: v.array(v.string()) }), {
    role: 'admin',
    adminNames: [],
  }),
};

/**
 * AppStatusResponse is how the app's first load checks GET /status: Immich's part not at all;
 * the Immich tile, a lazy chunk, checks it with ImmichStatus before it draws it.
 */
export const AppStatusResponse = v.object({
  ...statusEntries,
  immich: v.optional(v.unknown(), null),
});
export type AppStatusResponse = v.InferOutput<typeof AppStatusResponse>;

/**
 * StatusResponse is GET /status as the agent sends it, `immich` being Immich's version and queues,
 * and the thermal guard (null from an agent without the guard). Its schema, every part checked,
 * is StatusResponse in immich.ts.
 */
export type StatusResponse = {
  [K in keyof AppStatusResponse]: K extends 'immich'
    ? ImmichStatus | null
    : K extends 'drive'
      ? { state: DriveState; health: DriveHealth | null }
      : AppStatusResponse[K];
};

/** One chart point: the temperatures sampled in one bucket. */
export const TemperaturePoint = v.object({
  at: v.number(),
  minC: v.number(),
  maxC: v.number(),
  meanC: v.number(),
});
export type TemperaturePoint = v.InferOutput<typeof TemperaturePoint>;

export const TemperatureHistoryResponse = v.object({
  bucketSeconds: v.number(),
  /** Oldest first, at most 24 h. */
  points: v.array(TemperaturePoint),
});
export type TemperatureHistoryResponse = v.InferOutput<typeof TemperatureHistoryResponse>;
