// What the HTTP surface is built from: Deps (wired by main.ts, or by tests with the sandbox) and
// RouteDeps (what createApp derives from them). Its own module, so app.ts and the routes it
// mounts both import it and neither imports the other back.
import type { Config } from './config.ts';
import type { PairingCodes } from './domain/pairing-codes.ts';
import type { ReplayGuard } from './domain/replay-guard.ts';
import type { SignedRequestInput, verifySignedRequest } from './domain/signature.ts';
import type { UnlockKey } from './domain/unlock-key.ts';
import type { Clock, Logger } from './ports.ts';
import type { AlertService } from './services/alerts/alert-service.ts';
import type { TemperatureHistory } from './services/alerts/temperature-history.ts';
import type { AuditLog } from './services/audit.ts';
import type { BackupService } from './services/backups/backup-service.ts';
import type { DeviceRegistry, KeyLookup } from './services/devices.ts';
import type { DriveControl } from './services/drive-control/index.ts';
import type { ImmichGuardService } from './services/immich-guard.ts';
import type { RecoveryService } from './services/recovery/recovery-service.ts';
import type { SecurityAlerts } from './services/security-alerts.ts';
import type { StatusSource } from './services/status.ts';

/** Deps is everything the HTTP surface needs; main.ts wires real ones, tests wire the sandbox. */
export interface Deps {
  config: Config;
  version: string;
  clock: Clock;
  /** Monotonic time at which this process started: nothing signed before it is accepted. */
  startedAtMono: number;
  agentKey: Uint8Array;
  agentKeyText: string;
  fingerprint: string;
  devices: DeviceRegistry;
  audit: AuditLog;
  pairing: PairingCodes;
  replay: ReplayGuard;
  status: StatusSource;
  /** The per-start X25519 key phones seal the passphrase to (ARCHITECTURE §4). */
  unlockKey: UnlockKey;
  /** Unlock and lock, one operation at a time (ARCHITECTURE §7). */
  driveControl: DriveControl;
  /** Alerts and push subscriptions (ARCHITECTURE §10). */
  alerts: Pick<
    AlertService,
    | 'activeFor'
    | 'event'
    | 'listFor'
    | 'snooze'
    | 'subscription'
    | 'subscribe'
    | 'unsubscribe'
    | 'sendTest'
    | 'health'
  >;
  /** Backup history, its summary and "back up now" (ARCHITECTURE §11). */
  backups: Pick<BackupService, 'ingest' | 'page' | 'run' | 'startNow' | 'keepSchedule' | 'summary'>;
  /** Restore drills, the database dump watch and the drive's health (ARCHITECTURE §17). */
  recovery: Pick<RecoveryService, 'recovery' | 'health' | 'issue' | 'startDrill' | 'ingest'>;
  /** Immich's queues and the thermal guard (ARCHITECTURE §16). */
  immich: Pick<ImmichGuardService, 'status' | 'setJobs' | 'setSettings'>;
  /** The last 24 hours of temperature, for Home's chart. */
  temperatureHistory: Pick<TemperatureHistory, 'points'>;
  log: Logger;
}

/** Verify checks a signed request against the keys lookupKey finds. */
export type Verify = (
  input: SignedRequestInput,
  lookupKey: (keyid: string) => KeyLookup,
) => ReturnType<typeof verifySignedRequest>;

/** RouteDeps adds what createApp derives from Deps for the routes. */
export type RouteDeps = Deps & {
  verify: Verify;
  /** verify, but keeping the nonce in pairing's own small store, apart from the devices' one. */
  verifyPairing: Verify;
  securityAlerts: SecurityAlerts;
};
