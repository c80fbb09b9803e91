// Every API call but hello and pair must carry a valid RFC 9421 signature from a paired device.
import type { MiddlewareHandler } from 'hono';
import type { ErrorCode } from '../../../shared/errors.ts';
import type { SignedRequestInput } from '../domain/signature.ts';
import { SignatureError } from '../errors.ts';

/** `authority` is set by hostGuard for every request: the agent's own name it was sent to. */
export type AppVariables = { deviceId: string; body: Uint8Array | null; authority: string };

export type VerifyRequest = (
  input: SignedRequestInput,
) => { ok: true; keyid: string } | { ok: false; code: ErrorCode; retryAfterSeconds?: number };

/**
 * readRequest gathers what a signature covers: method, raw path and query, headers, body bytes,
 * and `authority`, which the caller passes from hostGuard (`c.get('authority')`): never the URL's
 * host, which behind tailscale serve is `localhost`, not the name the phone signed for.
 */
export async function readRequest(
  request: Request,
  authority: string,
): Promise<SignedRequestInput> {
  const url = new URL(request.url);
  const bytes = new Uint8Array(await request.arrayBuffer());
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return {
    method: request.method,
    authority,
    path: url.pathname,
    query: url.search,
    headers,
    body: bytes.length > 0 ? bytes : null,
  };
}

/** requireSignature verifies the request and names the device for the routes after it. */
export function requireSignature(options: {
  verify: VerifyRequest;
  onVerified: (deviceId: string) => void;
}): MiddlewareHandler<{ Variables: AppVariables }> {
  const { verify, onVerified } = options;
  return async function requireSignature(c, next) {
    const input = await readRequest(c.req.raw, c.get('authority'));
    const result = verify(input);
    if (!result.ok) throw new SignatureError(result.code, result.retryAfterSeconds);
    onVerified(result.keyid);
    c.set('deviceId', result.keyid);
    c.set('body', input.body);
    await next();
  };
}
