// An optional second factor from the tailnet: only listed Tailscale logins reach the API at all.
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.ts';

/**
 * loginAllowlist refuses API requests whose `Tailscale-User-Login` (which `tailscale serve` sets
 * from the tailnet identity of the connecting machine's user) is missing or not listed. An empty
 * list lets every request through: the device signature is the first factor either way.
 */
export function loginAllowlist(allowed: readonly string[]): MiddlewareHandler {
  const logins = new Set(allowed.map((login) => login.toLowerCase()));
  return async function loginAllowlist(c, next) {
    if (logins.size > 0) {
      const login = c.req.header('tailscale-user-login')?.trim().toLowerCase();
      if (login === undefined || !logins.has(login)) {
        throw new ApiError(
          'login-not-allowed',
          'This tailnet login may not use this agent. Ask its owner to add it to security.allowedLogins.',
        );
      }
    }
    await next();
  };
}
