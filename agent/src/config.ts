// Agent configuration: one JSON file (the NixOS module writes it) plus flags, parsed once at start.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as v from 'valibot';
import { DEFAULT_HEAVY_QUEUES } from '../../shared/immich.ts';
import { checkVapidSubject } from './adapters/push/vapid.ts';
import {
  AbsolutePath,
  DEFAULT_BACKUP_UNIT,
  DEFAULT_CAP_UNITS,
  DEFAULT_UNITS,
  StepSeconds,
  UnitName,
} from './config-primitives.ts';
import { firstIssue } from './parse-json.ts';

// Defined with the helper's config primitives: the helper's default allows the same units.
export { DEFAULT_CAP_UNITS };

const Seconds = v.pipe(v.number(), v.minValue(0));

export const ConfigSchema = v.strictObject({
  /** Shown in the app and in `hello`. */
  name: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(64)), hostname()),
  /** Where the agent listens: loopback for the demo, a unix socket behind `tailscale serve` on the Pi. */
  listen: v.optional(
    v.union([
      v.strictObject({
        host: v.optional(v.picklist(['127.0.0.1', '::1', 'localhost']), '127.0.0.1'),
        port: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535)),
      }),
      v.strictObject({ socket: AbsolutePath }),
    ]),
    { socket: '/run/immich-pi-agent/agent.sock' },
  ),
  /**
   * The URL phones use, printed by `immich-pi-agent pair`. Behind `tailscale serve` its origin is
   * the only one hello and pair answer (Host is always localhost there).
   */
  publicUrl: v.optional(v.pipe(v.string(), v.url()), 'https://immich-pi.invalid/'),
  /** Admin socket for the CLI: only root and the agent's group can open it. */
  adminSocket: v.optional(AbsolutePath, '/run/immich-pi-agent/admin.sock'),
  stateDir: v.optional(AbsolutePath, '/var/lib/immich-pi-agent'),
  /** The built PWA served at `/`. */
  pwaDir: v.optional(AbsolutePath),
  /** Prefix for every host path (sysfs, /proc, /dev): "/" on the Pi, the sandbox in tests. */
  root: v.optional(AbsolutePath, '/'),
  drive: v.optional(
    v.strictObject({
      /** The LUKS header's UUID (`cryptsetup luksUUID`); empty means no drive is configured yet. */
      uuid: v.optional(
        v.pipe(v.string(), v.regex(/^([0-9a-fA-F-]{8,64})?$/, 'must be a UUID')),
        '',
      ),
      mapperName: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,64}$/)), 'immich_drive'),
      mountPoint: v.optional(AbsolutePath, '/mnt/immich_drive'),
    }),
    {},
  ),
  /**
   * How the agent reaches its root helper (ARCHITECTURE §8): its socket on the Pi, or a command
   * started per request, talking over stdin/stdout (the sandbox Pi and tests).
   */
  helper: v.optional(
    v.union([
      v.strictObject({ socket: AbsolutePath }),
      v.strictObject({
        command: v.pipe(
          v.array(v.string()),
          v.minLength(1),
          v.check((argv) => argv[0]?.startsWith('/') === true, 'must start with an absolute path'),
        ),
      }),
    ]),
    { socket: '/run/immich-pi-helper/helper.sock' },
  ),
  /** The services unlock starts, in this order (lock stops them in reverse). */
  units: v.optional(v.array(UnitName), () => [...DEFAULT_UNITS]),
  /** The backup service: lock stops a running backup before anything else. */
  backupUnit: v.optional(UnitName, DEFAULT_BACKUP_UNIT),
  /**
   * Backups (ARCHITECTURE §11). The agent never runs rustic: `report-backup`, run as root inside
   * the backup unit, does and leaves its records in spoolDir; the agent only reads them.
   */
  backup: v.optional(
    v.strictObject({
      /** The timer whose next run Home shows. */
      timer: v.optional(UnitName, 'immich-backup.timer'),
      /** Root-owned, readable by the agent's group only; never a directory the agent can write. */
      spoolDir: v.optional(AbsolutePath, '/var/spool/immich-pi-agent/backups'),
      rustic: v.optional(AbsolutePath, '/run/current-system/sw/bin/rustic'),
      /** rustic's config profile (`-P`), when not the default `rustic`. */
      profile: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/))),
      journalctl: v.optional(AbsolutePath, '/run/current-system/sw/bin/journalctl'),
      /** No good backup for staleHours + graceHours raises backup-stale. */
      staleHours: v.optional(v.pipe(v.number(), v.minValue(1)), 24),
      graceHours: v.optional(Seconds, 3),
      /** After an unlock, a backup starts when the last good one is older than this (a missed run). */
      catchUpAfterHours: v.optional(v.pipe(v.number(), v.minValue(1)), 24),
      /** A run that processed fewer files than this share of the last good one is flagged. */
      collapseRatio: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1)), 0.5),
      /** Runs kept in the history; older ones are forgotten. More than the spool keeps (200). */
      historyLimit: v.optional(
        v.pipe(v.number(), v.integer(), v.minValue(250), v.maxValue(5000)),
        2000,
      ),
    }),
    {},
  ),
  /**
   * Recoverability (ARCHITECTURE §17). The agent never runs rustic here either: the verify unit
   * runs `immich-pi-verify-backup` as root and leaves one record per drill in spoolDir.
   */
  recovery: v.optional(
    v.strictObject({
      /** The unit that runs a restore drill, and its (monthly) timer. */
      verifyUnit: v.optional(UnitName, 'immich-pi-verify-backup.service'),
      verifyTimer: v.optional(UnitName, 'immich-pi-verify-backup.timer'),
      /** Root-owned, readable by the agent's group only, like backup.spoolDir. */
      spoolDir: v.optional(AbsolutePath, '/var/spool/immich-pi-agent/drills'),
      /** Files of the latest snapshot a drill restores and compares. */
      sampleFiles: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(500)), 20),
      /** `rustic check --read-data-subset`: the share of packs read back ("5%", "1/12", "50M"). */
      readDataSubset: v.optional(
        v.pipe(
          v.string(),
          v.regex(
            /^(?:[1-9][0-9]{0,2}(?:\.[0-9]{1,2})?%|[1-9][0-9]{0,3}\/[1-9][0-9]{0,3}|[1-9][0-9]{0,5}[kKmMgGtT]?)$/,
          ),
        ),
        '5%',
      ),
      /** Immich's database dumps (`immich-db-backup-*.sql.gz`), on the drive. */
      dumpsDir: v.optional(AbsolutePath, '/mnt/immich_drive/immich_data/backups'),
      /** No dump newer than this raises db-dump-stale (Immich makes one a day by default). */
      dumpMaxAgeHours: v.optional(v.pipe(v.number(), v.minValue(1)), 48),
      /** No passed drill for this long raises restore-test-overdue (the timer runs monthly). */
      drillOverdueDays: v.optional(v.pipe(v.number(), v.minValue(1)), 40),
      /** A drill that has not ended by then is killed and recorded as failed. */
      drillTimeoutMinutes: v.optional(
        v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(24 * 60)),
        120,
      ),
      /** The drill refuses to start unless the drive keeps this much free beside its scratch. */
      scratchReserveBytes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 1024 ** 3),
      /** Backups and drills take turns through this file: never both at once. */
      lockFile: v.optional(AbsolutePath, '/run/immich-pi-backup-lock/backup.lock'),
      /** Hours between SMART reads of the drive (also read after each unlock). */
      healthEveryHours: v.optional(v.pipe(v.number(), v.minValue(1)), 24),
      /** Drills kept in the history. */
      historyLimit: v.optional(
        v.pipe(v.number(), v.integer(), v.minValue(10), v.maxValue(1000)),
        100,
      ),
    }),
    {},
  ),
  /** Where Immich answers GET /api/server/ping, and its API on loopback (ARCHITECTURE §16). */
  immichUrl: v.optional(v.pipe(v.string(), v.url()), 'http://127.0.0.1:2283'),
  immich: v.optional(
    v.strictObject({
      /**
       * An Immich admin API key with the queue and job permissions, in a file on the encrypted
       * drive (mode 0640, group of the agent): read after each unlock, never copied elsewhere.
       */
      apiKeyFile: v.optional(AbsolutePath, '/mnt/immich_drive/secrets/immich-pi-api-key'),
      /** Seconds between looks at Immich's queues while the Pi is cool (hot: every sample). */
      pollSeconds: v.optional(v.pipe(v.number(), v.minValue(1)), 30),
    }),
    {},
  ),
  /** The thermal guard (ARCHITECTURE §16): pauses Immich's heavy queues when the Pi is hot. */
  guard: v.optional(
    v.strictObject({
      enabled: v.optional(v.boolean(), true),
      pauseC: v.optional(v.pipe(v.number(), v.minValue(30), v.maxValue(100)), 75),
      pauseHoldSeconds: v.optional(v.pipe(Seconds, v.integer(), v.maxValue(86_400)), 60),
      resumeC: v.optional(v.pipe(v.number(), v.minValue(30), v.maxValue(100)), 65),
      resumeHoldSeconds: v.optional(v.pipe(Seconds, v.integer(), v.maxValue(86_400)), 300),
      /** Immich's queue names the guard pauses. */
      queues: v.optional(
        v.pipe(
          v.array(v.pipe(v.string(), v.regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/))),
          v.minLength(1),
          v.maxLength(32),
        ),
        () => [...DEFAULT_HEAVY_QUEUES],
      ),
      /** Without a key, or while a pause fails: the units capped, and to what share of one core. */
      capUnits: v.optional(v.array(UnitName), () => [...DEFAULT_CAP_UNITS]),
      capPercent: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(400)), 100),
    }),
    {},
  ),
  /** systemctl, for the read-only `systemctl show` of the units (start and stop go to the helper). */
  systemctl: v.optional(AbsolutePath, '/run/current-system/sw/bin/systemctl'),
  /** Step time limits of unlock and lock (ARCHITECTURE §7). */
  timeouts: v.optional(
    v.strictObject({
      /** Argon2id of a header made on a desktop can take 10-30 s on a Pi 4. */
      kdfSeconds: v.optional(StepSeconds, 120),
      /** fsck after a power cut, disk spin-up. */
      mountSeconds: v.optional(StepSeconds, 300),
      unitSeconds: v.optional(StepSeconds, 120),
      /** From the last service started until Immich answers its ping. */
      immichSeconds: v.optional(StepSeconds, 300),
    }),
    {},
  ),
  /** Seconds between background samples of sensors, disks, the drive and the units. */
  sampleIntervalSeconds: v.optional(v.pipe(Seconds, v.minValue(1)), 10),
  /** Web Push (ARCHITECTURE §10). */
  push: v.optional(
    v.strictObject({
      /**
       * The VAPID subject: a `mailto:` you read or an `https:` URL of yours. Push services (Apple
       * first) refuse localhost, .local and .invalid ones; without a subject push is off.
       */
      subject: v.optional(v.string()),
      /** More push service origins than the known ones, exactly (`https://push.example:8443`). */
      extraOrigins: v.optional(v.array(v.pipe(v.string(), v.url())), []),
      /** PEM certificates to trust besides the system's, for a push service of your own. */
      caFile: v.optional(AbsolutePath),
      /** How long a push service keeps an undelivered push (a phone switched off). */
      ttlSeconds: v.optional(
        v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2419200)),
        86400,
      ),
      /** Pushes wait for the clock to be synced (the Pi has no RTC), at most this long. */
      clockSyncWaitSeconds: v.optional(Seconds, 120),
    }),
    {},
  ),
  /** Alert thresholds (ARCHITECTURE §10). */
  alerts: v.optional(
    v.strictObject({
      tempHighC: v.optional(v.number(), 80),
      tempHighHoldSeconds: v.optional(Seconds, 120),
      tempClearC: v.optional(v.number(), 72),
      tempClearHoldSeconds: v.optional(Seconds, 300),
      undervoltageClearSeconds: v.optional(Seconds, 300),
      diskFullPercent: v.optional(v.pipe(v.number(), v.minValue(1), v.maxValue(100)), 90),
      diskClearPercent: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(100)), 85),
      serviceDownSeconds: v.optional(Seconds, 120),
      renotifyMinutes: v.optional(Seconds, 10),
      eventMinIntervalSeconds: v.optional(Seconds, 60),
      historyLimit: v.optional(
        v.pipe(v.number(), v.integer(), v.minValue(10), v.maxValue(1000)),
        200,
      ),
    }),
    {},
  ),
  security: v.optional(
    v.strictObject({
      clockSkewSeconds: v.optional(Seconds, 120),
      /**
       * How long a nonce is remembered. A request is accepted while `created` is within the skew
       * either side of now, so this must outlast 2 × skew; 10 s more covers wall/monotonic drift.
       */
      nonceTtlSeconds: v.optional(Seconds, 250),
      /** Signed requests per second per device (sustained), and the burst above it. */
      ratePerSecond: v.optional(v.pipe(v.number(), v.minValue(0.1)), 20),
      rateBurst: v.optional(v.pipe(v.number(), v.minValue(1)), 100),
      /** Most (keyid, nonce) pairs remembered at once; beyond it requests are refused, never evicted. */
      maxNonces: v.optional(v.pipe(v.number(), v.integer(), v.minValue(100)), 200_000),
      /**
       * Unsigned requests (hello and pair) from everyone together, per second (sustained), and the
       * burst above it; past it they are answered 429 `flood-limited` with Retry-After.
       */
      unsignedRatePerSecond: v.optional(v.pipe(v.number(), v.minValue(0.1)), 10),
      unsignedBurst: v.optional(v.pipe(v.number(), v.minValue(1)), 60),
      /**
       * Requests that fail signature verification, from everyone together. Past it, a request
       * whose keyid is not a paired device is answered 429 `flood-limited` before any verifying;
       * paired devices are still verified, so a flood of forged requests cannot lock them out.
       */
      failedRatePerSecond: v.optional(v.pipe(v.number(), v.minValue(0.1)), 10),
      failedBurst: v.optional(v.pipe(v.number(), v.minValue(1)), 100),
      /**
       * More than badSignatureAlertCount forged or unknown-key requests, faster than that many
       * per badSignatureAlertWindowSeconds, raise the bad-signatures alert, at most once per
       * badSignatureAlertQuietMinutes (a flood gives one push, not thousands).
       */
      badSignatureAlertCount: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 30),
      badSignatureAlertWindowSeconds: v.optional(v.pipe(v.number(), v.minValue(1)), 60),
      badSignatureAlertQuietMinutes: v.optional(v.pipe(v.number(), v.minValue(1)), 60),
      maxHeaderBytes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1024)), 8192),
      maxBodyBytes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1024)), 64 * 1024),
      /**
       * Tailnet logins (`Tailscale-User-Login`, set by `tailscale serve`) allowed to reach the
       * API at all, as a second factor besides the device key; empty allows any.
       */
      allowedLogins: v.optional(
        v.array(
          v.pipe(
            v.string(),
            v.minLength(1),
            v.maxLength(256),
            v.check((s) => !/[\s,]/.test(s), 'must be one login'),
          ),
        ),
        [],
      ),
    }),
    {},
  ),
});

export type Config = v.InferOutput<typeof ConfigSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** parseConfig validates raw config and names the first bad field in its error. */
export function parseConfig(raw: unknown): Config {
  const result = v.safeParse(ConfigSchema, raw);
  if (result.success) {
    const { clockSkewSeconds, nonceTtlSeconds } = result.output.security;
    if (nonceTtlSeconds <= 2 * clockSkewSeconds) {
      throw new ConfigError(
        'config security.nonceTtlSeconds: must be more than 2 × clockSkewSeconds',
      );
    }
    const { subject } = result.output.push;
    const subjectProblem = subject === undefined ? null : checkVapidSubject(subject);
    if (subjectProblem) throw new ConfigError(`config push.subject: ${subjectProblem}`);
    const { tempHighC, tempClearC, diskFullPercent, diskClearPercent } = result.output.alerts;
    if (tempClearC >= tempHighC || diskClearPercent >= diskFullPercent) {
      throw new ConfigError('config alerts: a clear threshold must be below its raise threshold');
    }
    const { guard, units } = result.output;
    if (guard.resumeC >= guard.pauseC) {
      throw new ConfigError('config guard: resumeC must be below pauseC');
    }
    const given = (raw as { guard?: { capUnits?: unknown } } | null)?.guard?.capUnits;
    // The default names Immich's units; a config whose units name others caps those it has.
    if (given === undefined) guard.capUnits = guard.capUnits.filter((u) => units.includes(u));
    const stray = guard.capUnits.find((unit) => !units.includes(unit));
    if (stray !== undefined) {
      throw new ConfigError(`config guard.capUnits: ${stray} is not one of units`);
    }
    return result.output;
  }
  const { where, message } = firstIssue(result.issues);
  throw new ConfigError(`config ${where ?? '(root)'}: ${message}`);
}

export interface ConfigFlags {
  config?: string;
  host?: string;
  port?: string;
  socket?: string;
  stateDir?: string;
  root?: string;
  pwaDir?: string;
  adminSocket?: string;
}

/** loadConfig reads the JSON file named by --config (if any) and lays the flags over it. */
export function loadConfig(flags: ConfigFlags): Config {
  let raw: Record<string, unknown> = {};
  if (flags.config) {
    let text: string;
    try {
      text = readFileSync(flags.config, 'utf8');
    } catch (error) {
      throw new ConfigError(`cannot read config ${flags.config}: ${(error as Error).message}`);
    }
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`config ${flags.config} is not JSON: ${(error as Error).message}`);
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new ConfigError(`config ${flags.config} must be a JSON object`);
    }
  }
  if (flags.socket) raw.listen = { socket: flags.socket };
  else if (flags.port) raw.listen = { host: flags.host ?? '127.0.0.1', port: Number(flags.port) };
  if (flags.stateDir) raw.stateDir = flags.stateDir;
  if (flags.root) raw.root = flags.root;
  if (flags.pwaDir) raw.pwaDir = flags.pwaDir;
  if (flags.adminSocket) raw.adminSocket = flags.adminSocket;
  return parseConfig(raw);
}
