// Unsigned endpoints (hello, pair) only answer our own app, and never through Tailscale Funnel.
import type { MiddlewareHandler } from 'hono';
import type { Config } from '../config.ts';
import { ApiError } from '../errors.ts';

export interface UnsignedGuardOptions {
  /** The URL phones open (config `publicUrl`): a request from its origin passes. */
  publicUrl: string;
  /**
   * Where the agent listens. Behind `tailscale serve` (a unix socket) `Host` is `localhost`
   * whatever the phone opened (the name it opened is in `X-Forwarded-Host`), so only publicUrl's
   * origin passes. On TCP loopback (the demo, tests) the browser's origin is the address it typed,
   * which `Host` names, so that passes too.
   */
  listen: Config['listen'];
}

/** originOf answers the serialised origin of an http(s) URL, or null for anything else. */
function originOf(url: string): string | null {
  try {
    const { protocol, origin } = new URL(url);
    return protocol === 'https:' || protocol === 'http:' ? origin : null;
  } catch {
    return null;
  }
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

const crossSite = () =>
  new ApiError('cross-site-refused', 'Requests from other sites are refused.');

/**
 * unsignedGuard refuses cross-site browser requests and requests from the public internet. It
 * throws when built if publicUrl is not an http(s) URL, since no browser could then pass.
 */
export function unsignedGuard(options: UnsignedGuardOptions): MiddlewareHandler {
  const publicOrigin = originOf(options.publicUrl);
  if (publicOrigin === null) {
    throw new Error(`unsignedGuard: publicUrl ${options.publicUrl} is not an http(s) URL`);
  }
  const hostNamesOrigin = !('socket' in options.listen);
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
    if (site !== undefined && site !== 'same-origin' && site !== 'none') throw crossSite();
    // Browsers send Origin on every POST, serialised as URL.origin is; requests without one
    // (same-origin GETs, curl) pass.
    const origin = c.req.header('origin');
    if (
      origin !== undefined &&
      origin !== publicOrigin &&
      !(hostNamesOrigin && sameHost(origin, c.req.header('host')))
    ) {
      throw crossSite();
    }
    await next();
  };
}
