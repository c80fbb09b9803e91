// Roles (ARCHITECTURE §14): a signed request must be one its device's role allows, by the one
// table in shared/roles.ts the app also reads; a route missing from the table is for admins only.
import type { MiddlewareHandler } from 'hono';
import { matchRoute, mayCall, type Role } from '../../../shared/roles.ts';
import { RoleForbiddenError, SignatureError } from '../errors.ts';
import type { AppEnv } from '../routes/env.ts';

export interface RequireRoleOptions {
  /** The role of a paired device, null once it is no longer paired. */
  roleOf: (deviceId: string) => Role | null;
}

/**
 * requireRole refuses, with 403 `role-forbidden`, a request its device's role may not make. It
 * runs right after requireSignature, which named the device. A device revoked while its request
 * was in flight has no role any more, and is answered as revoked.
 */
export function requireRole(options: RequireRoleOptions): MiddlewareHandler<AppEnv> {
  const { roleOf } = options;
  return async function requireRole(c, next) {
    const deviceId = c.get('deviceId');
    const role = roleOf(deviceId);
    if (role === null) throw new SignatureError('device-revoked');
    const { method, path } = c.req;
    if (!mayCall(role, deviceId, method, path)) throw new RoleForbiddenError(refusal(method, path));
    await next();
  };
}

/** refusal says why a viewer was refused: an admin-only route, or another device than itself. */
function refusal(method: string, path: string): string {
  return matchRoute(method, path)?.access === 'self'
    ? 'A viewer can change only its own device; ask an admin for the others.'
    : 'Only an admin device can do this; this device is a viewer.';
}
