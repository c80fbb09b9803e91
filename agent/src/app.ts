// createApp(deps): the whole HTTP surface of the agent, with nothing wired to the OS here.
import { Hono } from 'hono';
import type { HTTPResponseError } from 'hono/types';
import type { ErrorBody } from '../../shared/errors.ts';
import type { Deps, RouteDeps, Verify } from './deps.ts';
import { ReplayGuard } from './domain/replay-guard.ts';
import { verifySignedRequest } from './domain/signature.ts';
import { ApiError, retryAfterOf } from './errors.ts';
import { failedSignatureLimit, unsignedLimit } from './middleware/flood-limits.ts';
import { hostGuard } from './middleware/host-guard.ts';
import { loginAllowlist } from './middleware/login-allowlist.ts';
import { filesOnly, requestLimits } from './middleware/request-limits.ts';
import { requireRole } from './middleware/roles.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { requireSignature } from './middleware/signature.ts';
import { unsignedGuard } from './middleware/unsigned-guard.ts';
import { alertRoutes, historyRoutes } from './routes/alerts.ts';
import { auditRoutes } from './routes/audit.ts';
import { backupRoutes } from './routes/backups.ts';
import { deviceRoutes } from './routes/devices.ts';
import type { AppEnv } from './routes/env.ts';
import { helloRoutes } from './routes/hello.ts';
import { immichRoutes } from './routes/immich.ts';
import { operationRoutes } from './routes/operations.ts';
import { pairRoutes } from './routes/pair.ts';
import { pushRoutes } from './routes/push.ts';
import { pwaRoutes } from './routes/static.ts';
import { statusRoutes } from './routes/status.ts';
import { lockRoutes, unlockRoutes } from './routes/unlock.ts';
import { SecurityAlerts } from './services/security-alerts.ts';

/** Deps and RouteDeps live in deps.ts (the routes import them there); here for main.ts and tests. */
export type { Deps, RouteDeps } from './deps.ts';

/**
 * PAIRING_NONCES bounds pairing's nonce store. Only a request whose proof matched an open code
 * gets there, and that code is then used up, so it takes as many codes as entries to fill it.
 */
const PAIRING_NONCES = 64;

/** routeDepsFor derives what the routes need besides Deps: the verifiers and security alerts. */
function routeDepsFor(deps: Deps): RouteDeps {
  const { clock } = deps;
  const { security } = deps.config;
  const verifyWith =
    (nonces: ReplayGuard): Verify =>
    (input, lookupKey) =>
      verifySignedRequest(input, {
        lookupKey,
        wallMs: clock.wall,
        // The start time in today's wall clock: if NTP steps the clock, the bound moves with it.
        startedAtWallMs: () => clock.wall() - (clock.monotonic() - deps.startedAtMono),
        skewSeconds: security.clockSkewSeconds,
        replay: nonces,
      });
  const pairingNonces = new ReplayGuard({
    ttlMs: security.nonceTtlSeconds * 1000,
    maxEntries: PAIRING_NONCES,
    ratePerSecond: 1,
    burst: 10,
    monotonic: clock.monotonic,
  });
  const securityAlerts = new SecurityAlerts({
    audit: deps.audit,
    alerts: deps.alerts,
    badSignatures: {
      count: security.badSignatureAlertCount,
      windowSeconds: security.badSignatureAlertWindowSeconds,
      quietSeconds: security.badSignatureAlertQuietMinutes * 60,
    },
    monotonic: clock.monotonic,
  });
  return {
    ...deps,
    verify: verifyWith(deps.replay),
    verifyPairing: verifyWith(pairingNonces),
    securityAlerts,
  };
}

/** createApp builds the agent's Hono app: API v1 under /api/v1 and the PWA at /. */
export function createApp(deps: Deps) {
  const { config, clock, devices, log } = deps;
  const { security } = config;
  const routeDeps = routeDepsFor(deps);
  const { verify, securityAlerts } = routeDeps;
  const guardUnsigned = unsignedGuard({ publicUrl: config.publicUrl, listen: config.listen });
  const limitUnsigned = unsignedLimit({
    ratePerSecond: security.unsignedRatePerSecond,
    burst: security.unsignedBurst,
    monotonic: clock.monotonic,
  });

  const api = new Hono<AppEnv>()
    .use('/hello', limitUnsigned)
    .use('/pair', limitUnsigned)
    .use('/hello', guardUnsigned)
    .use('/pair', guardUnsigned)
    .route('/hello', helloRoutes(routeDeps))
    .route('/pair', pairRoutes(routeDeps))
    // Everything registered after this line is signed; hello and pair above answered already.
    .use(
      failedSignatureLimit({
        ratePerSecond: security.failedRatePerSecond,
        burst: security.failedBurst,
        monotonic: clock.monotonic,
        isActiveKey: (keyid) => devices.lookupKey(keyid).state === 'active',
        onRefused: (code) => securityAlerts.signatureRefused(code),
      }),
    )
    .use(
      requireSignature({
        verify: (input) => verify(input, (keyid) => devices.lookupKey(keyid)),
        onVerified: (deviceId) => devices.touch(deviceId, clock.wall()),
      }),
    )
    // Every signed route needs its line in shared/roles.ts ROUTE_ACCESS (app.roles.test.ts walks the routes).
    .use(requireRole({ roleOf: (deviceId) => devices.roleOf(deviceId) }))
    .route('/status', statusRoutes(routeDeps))
    .route('/devices', deviceRoutes(routeDeps))
    .route('/audit', auditRoutes(routeDeps))
    .route('/unlock', unlockRoutes(routeDeps))
    .route('/lock', lockRoutes(routeDeps))
    .route('/operations', operationRoutes(routeDeps))
    .route('/push', pushRoutes(routeDeps))
    .route('/alerts', alertRoutes(routeDeps))
    .route('/history', historyRoutes(routeDeps))
    .route('/backups', backupRoutes(routeDeps))
    .route('/immich', immichRoutes(routeDeps));

  const app = new Hono<AppEnv>();
  app.use(securityHeaders());
  // Before anything else is read: a request must be addressed to this agent (DNS rebinding).
  app.use(hostGuard({ publicUrl: config.publicUrl, listen: config.listen }));
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
    // Every 429 says when to come back, from the limit that refused (RFC 6585 §4).
    if (answer.status === 429) c.header('Retry-After', String(retryAfterOf(answer)));
    return c.json(errorBody(answer.code, answer.message), answer.status as 400);
  });
  return app;
}

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
