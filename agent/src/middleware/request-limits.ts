// Size limits checked before any parsing: header bytes and body bytes (ARCHITECTURE §4, first check).
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from '../errors.ts';

/** requestLimits refuses requests whose headers or body exceed the configured sizes. */
export function requestLimits(options: {
  maxHeaderBytes: number;
  maxBodyBytes: number;
}): MiddlewareHandler {
  const { maxHeaderBytes, maxBodyBytes } = options;
  if (!(maxHeaderBytes > 0 && maxBodyBytes > 0))
    throw new Error('requestLimits: sizes must be positive');
  const limitBody = bodyLimit({
    maxSize: maxBodyBytes,
    onError: (c) => {
      c.header('Connection', 'close'); // the rest of the body is not read: do not reuse the connection
      throw new ApiError('payload-too-large', `The body is larger than ${maxBodyBytes} bytes.`);
    },
  });
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
    return limitBody(c, next);
  };
}
