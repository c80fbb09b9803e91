// An optional second factor from the tailnet: only listed Tailscale logins reach the API at all.
import type { MiddlewareHandler } from 'hono';
import { decodeTailscaleHeader } from '../domain/encoded-words.ts';
import { ApiError } from '../errors.ts';

/**
 * canonicalLogin is how a login is compared: NFC (a phone and a config file may spell `ü`
 * differently), lower case, NFC again (lower-casing can decompose), no surrounding white space.
 */
function canonicalLogin(login: string): string {
  return login.trim().normalize('NFC').toLowerCase().normalize('NFC');
}

/**
 * loginAllowlist refuses API requests whose `Tailscale-User-Login` (which `tailscale serve` sets
 * from the tailnet identity of the connecting machine's user, RFC 2047-encoded when it is not
 * ASCII) is missing or not listed. An empty list lets every request through: the device
 * signature is the first factor either way.
 */
export function loginAllowlist(allowed: readonly string[]): MiddlewareHandler {
  const logins = new Set(allowed.map(canonicalLogin));
  if (logins.has('')) throw new Error('loginAllowlist: a login must not be empty');
  return async function loginAllowlist(c, next) {
    if (logins.size > 0) {
      const header = c.req.header('tailscale-user-login');
      const login = header === undefined ? '' : canonicalLogin(decodeTailscaleHeader(header));
      if (!logins.has(login)) {
        throw new ApiError(
          'login-not-allowed',
          'This tailnet login may not use this agent. Ask its owner to add it to security.allowedLogins.',
        );
      }
    }
    await next();
  };
}
