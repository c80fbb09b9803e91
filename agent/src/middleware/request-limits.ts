// Size limits checked before any parsing: header bytes and body bytes (ARCHITECTURE §4, first check).
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.ts';
import type { AppEnv } from '../routes/env.ts';
import { BODYLESS_METHODS, declaresBody, readBody, tooLarge } from './read-body.ts';

/**
 * requestLimits refuses API requests whose headers or body exceed the configured sizes, and reads
 * the body here, once, for the signature check and the routes (`c.get('body')`).
 */
export function requestLimits(options: {
  maxHeaderBytes: number;
  maxBodyBytes: number;
}): MiddlewareHandler<AppEnv> {
  const { maxHeaderBytes, maxBodyBytes } = options;
  if (!(maxHeaderBytes > 0 && maxBodyBytes > 0))
    throw new Error('requestLimits: sizes must be positive');
  return async function requestLimits(c, next) {
    let headerBytes = 0;
    c.req.raw.headers.forEach((value, name) => {
      headerBytes += name.length + value.length + 4;
    });
    if (headerBytes > maxHeaderBytes) {
      throw new ApiError(
        'headers-too-large',
        `The headers are larger than ${maxHeaderBytes} bytes.`,
      );
    }
    c.set('body', await readBody(c, maxBodyBytes));
    await next();
  };
}

/**
 * filesOnly guards everything outside /api/ (the PWA's files): GET and HEAD only, and no body,
 * both refused unread with `Connection: close`, so no path reads a body it has no use for.
 */
export function filesOnly(): MiddlewareHandler {
  return async function filesOnly(c, next) {
    if (c.req.path.startsWith('/api/')) return next();
    if (!BODYLESS_METHODS.has(c.req.method)) {
      c.header('Allow', 'GET, HEAD');
      c.header('Connection', 'close');
      throw new ApiError('method-not-allowed', 'Only GET and HEAD are answered here.');
    }
    if (declaresBody(c)) throw tooLarge(c, 'These files take no request body.');
    return next();
  };
}
