// The throughput bench's server, in its own process: the agent's app with or without signatures.
// Usage: node status-server.mjs signed|unsigned <config.json>
// Prints `bench status server listening on <url> pairing code <code|->` once it accepts connections.
import { Hono } from 'hono';
import { listenHttp } from '../agent/src/adapters/http-server.ts';
import { createApp, type Deps } from '../agent/src/app.ts';
import { loadConfig } from '../agent/src/config.ts';
import { ApiError } from '../agent/src/errors.ts';
import { createDeps } from '../agent/src/main.ts';
import { hostGuard } from '../agent/src/middleware/host-guard.ts';
import { filesOnly, requestLimits } from '../agent/src/middleware/request-limits.ts';
import { securityHeaders } from '../agent/src/middleware/security-headers.ts';
import type { AppEnv } from '../agent/src/routes/env.ts';
import { pwaRoutes } from '../agent/src/routes/static.ts';
import { statusRoutes } from '../agent/src/routes/status.ts';

/**
 * unsignedStatusApp composes createApp's pieces for GET /api/v1/status in the same order, with
 * requireSignature left out: security headers, the Host check, request limits, the status route,
 * the PWA behind it, and the same not-found and error answers. The baseline the signed app is
 * compared with.
 */
export function unsignedStatusApp(deps: Deps) {
  // The status route takes only what it reads, so nothing that verifies is built here at all.
  const api = new Hono<AppEnv>().route('/status', statusRoutes(deps));
  const app = new Hono<AppEnv>();
  app.use(securityHeaders());
  app.use(hostGuard({ publicUrl: deps.config.publicUrl, listen: deps.config.listen }));
  app.use('/api/*', requestLimits(deps.config.security));
  app.route('/api/v1', api);
  app.use(filesOnly());
  app.route('/', pwaRoutes(deps.config.pwaDir));
  app.notFound((c) => c.json({ error: { code: 'not-found', message: 'Nothing here.' } }, 404));
  app.onError((error, c) => {
    const known = error instanceof ApiError ? error : new ApiError('internal', 'Failed.');
    return c.json({ error: { code: known.code, message: known.message } }, known.status as 400);
  });
  return app;
}

async function main(): Promise<void> {
  const [mode, configPath] = process.argv.slice(2);
  if ((mode !== 'signed' && mode !== 'unsigned') || !configPath) {
    throw new Error('usage: status-server.mjs signed|unsigned <config.json>');
  }
  const config = loadConfig({ config: configPath });
  const deps = await createDeps(config, {
    info: () => {},
    error: (message, error) => process.stderr.write(`error: ${message} ${error ?? ''}\n`),
  });
  const app = mode === 'signed' ? createApp(deps) : unsignedStatusApp(deps);
  const http = await listenHttp(app.fetch, config.listen);
  // The signed app needs a paired device: the bench pairs it through POST /api/v1/pair with this.
  const code = mode === 'signed' ? deps.pairing.mint('bench').code : '-';
  process.stdout.write(`bench status server listening on ${http.url} pairing code ${code}\n`);
  process.once('SIGTERM', () => {
    void http.close().then(() => process.exit(0));
  });
}

await main();
