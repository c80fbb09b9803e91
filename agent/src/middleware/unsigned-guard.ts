// Unsigned endpoints (hello, pair) only answer our own app, and never through Tailscale Funnel.
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.ts';

/** unsignedGuard refuses cross-site browser requests and requests from the public internet. */
export function unsignedGuard(): MiddlewareHandler {
  return async function unsignedGuard(c, next) {
    // tailscale serve adds this header to requests that came in through Funnel (the internet).
    if (c.req.header('tailscale-funnel-request') !== undefined) {
      throw new ApiError(
        'funnel-refused',
        'This agent does not answer requests from the internet.',
      );
    }
    // Another *.ts.net machine is "same-site" to a browser, so only same-origin (or none) passes.
    const site = c.req.header('sec-fetch-site');
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      throw new ApiError('cross-site-refused', 'Requests from other sites are refused.');
    }
    const origin = c.req.header('origin');
    if (origin !== undefined && !sameHost(origin, c.req.header('host'))) {
      throw new ApiError('cross-site-refused', 'Requests from other sites are refused.');
    }
    await next();
  };
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
