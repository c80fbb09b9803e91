// Every API call but hello and pair must carry a valid RFC 9421 signature from a paired device.
import type { Context, MiddlewareHandler } from 'hono';
import type { ErrorCode } from '../../../shared/errors.ts';
import type { SignedRequestInput } from '../domain/signature.ts';
import { SignatureError } from '../errors.ts';
import type { AppEnv } from '../routes/env.ts';

export type VerifyRequest = (
  input: SignedRequestInput,
) => { ok: true; keyid: string } | { ok: false; code: ErrorCode; retryAfterSeconds?: number };

/**
 * readRequest gathers what a signature covers: method, raw path and query, headers, the body
 * bytes requestLimits read (null when none: a GET's Request body is never touched, see
 * read-body.ts), and the `authority` hostGuard chose: never the URL's host, which behind
 * tailscale serve is `localhost`, not the name the phone signed for.
 */
export function readRequest(c: Context<AppEnv>): SignedRequestInput {
  const request = c.req.raw;
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return {
    method: request.method,
    authority: c.get('authority'),
    path: url.pathname,
    query: url.search,
    headers,
    body: c.get('body') ?? null,
  };
}

/** requireSignature verifies the request and names the device for the routes after it. */
export function requireSignature(options: {
  verify: VerifyRequest;
  onVerified: (deviceId: string) => void;
}): MiddlewareHandler<AppEnv> {
  const { verify, onVerified } = options;
  return async function requireSignature(c, next) {
    const result = verify(readRequest(c));
    if (!result.ok) throw new SignatureError(result.code, result.retryAfterSeconds);
    onVerified(result.keyid);
    c.set('deviceId', result.keyid);
    await next();
  };
}
