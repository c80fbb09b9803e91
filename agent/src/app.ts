// createApp(deps): the whole HTTP surface of the agent, with nothing wired to the OS here.
import { Hono } from 'hono';
import type { HTTPResponseError } from 'hono/types';
import type { ErrorBody } from '../../shared/errors.ts';
import type { Config } from './config.ts';
import type { PairingCodes } from './domain/pairing-codes.ts';
import type { ReplayGuard } from './domain/replay-guard.ts';
import { type SignedRequestInput, verifySignedRequest } from './domain/signature.ts';
import type { UnlockKey } from './domain/unlock-key.ts';
import { ApiError } from './errors.ts';
import { loginAllowlist } from './middleware/login-allowlist.ts';
import { filesOnly, requestLimits } from './middleware/request-limits.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { type AppVariables, requireSignature } from './middleware/signature.ts';
import { unsignedGuard } from './middleware/unsigned-guard.ts';
import type { Clock } from './ports.ts';
import { alertRoutes, historyRoutes } from './routes/alerts.ts';
import { auditRoutes } from './routes/audit.ts';
import { backupRoutes } from './routes/backups.ts';
import { deviceRoutes } from './routes/devices.ts';
import { helloRoutes } from './routes/hello.ts';
import { operationRoutes } from './routes/operations.ts';
import { pairRoutes } from './routes/pair.ts';
import { pushRoutes } from './routes/push.ts';
import { pwaRoutes } from './routes/static.ts';
import { statusRoutes } from './routes/status.ts';
import { lockRoutes, unlockRoutes } from './routes/unlock.ts';
import type { AlertService } from './services/alerts/alert-service.ts';
import type { TemperatureHistory } from './services/alerts/temperature-history.ts';
import type { AuditLog } from './services/audit.ts';
import type { BackupService } from './services/backups/backup-service.ts';
import type { DeviceRegistry, KeyLookup } from './services/devices.ts';
import { type DriveControl, UnlockRateLimitedError } from './services/drive-control.ts';
import type { StatusSource } from './services/status.ts';

export type AppEnv = { Variables: AppVariables };

export interface Logger {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

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
    | 'active'
    | 'history'
    | 'snooze'
    | 'subscription'
    | 'subscribe'
    | 'unsubscribe'
    | 'sendTest'
    | 'health'
  >;
  /** Backup history, its summary and "back up now" (ARCHITECTURE §11). */
  backups: Pick<BackupService, 'ingest' | 'page' | 'run' | 'startNow' | 'summary'>;
  /** The last 24 hours of temperature, for Home's chart. */
  temperatureHistory: Pick<TemperatureHistory, 'points'>;
  log: Logger;
}

/** AppDeps adds what createApp derives from Deps for the routes. */
export type RouteDeps = Deps & {
  verify: (
    input: SignedRequestInput,
    lookupKey: (keyid: string) => KeyLookup,
  ) => ReturnType<typeof verifySignedRequest>;
};

/** createApp builds the agent's Hono app: API v1 under /api/v1 and the PWA at /. */
export function createApp(deps: Deps) {
  const { config, clock, replay, devices, log } = deps;
  const verify: RouteDeps['verify'] = (input, lookupKey) =>
    verifySignedRequest(input, {
      lookupKey,
      wallMs: clock.wall,
      // The start time in today's wall clock: if NTP steps the clock, the bound moves with it.
      startedAtWallMs: () => clock.wall() - (clock.monotonic() - deps.startedAtMono),
      skewSeconds: config.security.clockSkewSeconds,
      replay,
    });
  const routeDeps: RouteDeps = { ...deps, verify };
  const guardUnsigned = unsignedGuard({ publicUrl: config.publicUrl, listen: config.listen });

  const api = new Hono<AppEnv>()
    .use('/hello', guardUnsigned)
    .use('/pair', guardUnsigned)
    .route('/hello', helloRoutes(routeDeps))
    .route('/pair', pairRoutes(routeDeps))
    // Everything registered after this line is signed; hello and pair above answered already.
    .use(
      requireSignature({
        verify: (input) => verify(input, (keyid) => devices.lookupKey(keyid)),
        onVerified: (deviceId) => devices.touch(deviceId, clock.wall()),
      }),
    )
    .route('/status', statusRoutes(routeDeps))
    .route('/devices', deviceRoutes(routeDeps))
    .route('/audit', auditRoutes(routeDeps))
    .route('/unlock', unlockRoutes(routeDeps))
    .route('/lock', lockRoutes(routeDeps))
    .route('/operations', operationRoutes(routeDeps))
    .route('/push', pushRoutes(routeDeps))
    .route('/alerts', alertRoutes(routeDeps))
    .route('/history', historyRoutes(routeDeps))
    .route('/backups', backupRoutes(routeDeps));

  const app = new Hono<AppEnv>();
  app.use(securityHeaders());
  app.use('/api/*', requestLimits(config.security));
  app.use('/api/*', loginAllowlist(config.security.allowedLogins));
  app.route('/api/v1', api);
  app.use(filesOnly());
  app.route('/', pwaRoutes(config.pwaDir));
  app.notFound((c) => c.json(errorBody('not-found', 'There is nothing here.'), 404));
  app.onError((error, c) => {
    const known = toApiError(error);
    if (!known) log.error(`unexpected error on ${c.req.method} ${c.req.path}`, error);
    const answer = known ?? new ApiError('internal', 'Something went wrong inside the agent.');
    if (answer instanceof UnlockRateLimitedError) {
      c.header('Retry-After', String(answer.retryAfterSeconds));
    }
    return c.json(errorBody(answer.code, answer.message), answer.status as 400);
  });
  return app;
}

export type App = ReturnType<typeof createApp>;

function errorBody(code: ErrorBody['error']['code'], message: string): ErrorBody {
  return { error: { code, message } };
}

function toApiError(error: Error | HTTPResponseError): ApiError | null {
  if (error instanceof ApiError) return error;
  // Hono's own HTTP errors (e.g. a malformed request it refused) keep their 4xx status.
  if ('getResponse' in error && typeof error.getResponse === 'function') {
    const status = error.getResponse().status;
    if (status === 413) return new ApiError('payload-too-large', 'The body is too large.');
    if (status >= 400 && status < 500)
      return new ApiError('bad-request', 'The request is malformed.');
  }
  return null;
}
