// Roles (ARCHITECTURE §14): what each paired device may do. One table for the agent's middleware,
// which enforces it, and for the app, which shows only what the device may do.
import * as v from 'valibot';
import { API_PREFIX } from './api.ts';

export const ROLES = ['admin', 'viewer'] as const;
export const Role = v.picklist(ROLES);
export type Role = v.InferOutput<typeof Role>;

/** What the owner calls each role, and what it may do, in the app's words. */
export const ROLE_WORDS: Record<Role, { name: string; can: string }> = {
  admin: {
    name: 'Admin',
    can: 'can unlock and lock the drive, back up, pair and remove devices',
  },
  viewer: {
    name: 'Viewer',
    can: 'family: can see status, backups and alerts',
  },
};

/**
 * Access is the least a device needs for a route: `viewer` is any paired device, `admin` admins
 * only, and `self` a viewer on its own device (the route's `:id` is the caller), admins on any.
 */
export type Access = 'viewer' | 'self' | 'admin';

/**
 * ROUTE_ACCESS lists every signed route of API v1 as "METHOD /path", the path being Hono's pattern
 * under /api/v1. The agent refuses a route missing here to everyone but admins, and a test walks
 * the app's routes, so a new route cannot ship without a line here.
 */
export const ROUTE_ACCESS = {
  'GET /status': 'viewer',
  'GET /devices': 'viewer',
  'POST /devices/pairing-codes': 'admin',
  'PATCH /devices/:id': 'self',
  'DELETE /devices/:id': 'self',
  'GET /audit': 'admin',
  'GET /unlock/key': 'admin',
  'POST /unlock': 'admin',
  'POST /unlock/check': 'admin',
  'POST /lock': 'admin',
  'GET /operations/:id': 'admin',
  'GET /push/subscriptions': 'viewer',
  'POST /push/subscriptions': 'viewer',
  'DELETE /push/subscriptions': 'viewer',
  'POST /push/test': 'viewer',
  'GET /alerts': 'viewer',
  'POST /alerts/:id/snooze': 'viewer',
  'GET /history/temperature': 'viewer',
  'GET /backups': 'viewer',
  'POST /backups': 'admin',
  'GET /backups/:id': 'viewer',
  'POST /backups/restore-tests': 'admin',
  'POST /backups/keep-schedule': 'admin',
  'POST /immich/jobs': 'admin',
  'PUT /immich/guard': 'admin',
} as const satisfies Record<string, Access>;

export type RouteKey = keyof typeof ROUTE_ACCESS;

/** A request's entry in ROUTE_ACCESS, with the values of its `:name` segments. */
export interface RouteMatch {
  key: RouteKey;
  access: Access;
  params: Record<string, string>;
}

const PATTERNS = (Object.keys(ROUTE_ACCESS) as RouteKey[]).map((key) => {
  const [method, pattern] = key.split(' ') as [string, string];
  return { key, method, segments: pattern.split('/').slice(1) };
});

/**
 * matchRoute finds the entry for a method and a path (under /api/v1, or with the prefix; a query
 * is ignored), or null. HEAD is GET, as Hono answers it.
 */
export function matchRoute(method: string, path: string): RouteMatch | null {
  const bare = path.split('?')[0] ?? '';
  const under = bare.startsWith(`${API_PREFIX}/`) ? bare.slice(API_PREFIX.length) : bare;
  const segments = under.replace(/\/+$/, '').split('/').slice(1);
  const verb = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  for (const route of PATTERNS) {
    if (route.method !== verb || route.segments.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const fits = route.segments.every((part, i) => {
      const actual = segments[i] ?? '';
      if (!part.startsWith(':')) return part === actual;
      if (actual === '') return false;
      params[part.slice(1)] = safeDecode(actual);
      return true;
    });
    if (fits) return { key: route.key, access: ROUTE_ACCESS[route.key], params };
  }
  return null;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * mayCall tells whether a device with this role and id may call the route: the one rule the agent
 * enforces and the app shows. A route not in the table is for admins only.
 */
export function mayCall(role: Role, deviceId: string, method: string, path: string): boolean {
  if (role === 'admin') return true;
  const route = matchRoute(method, path);
  if (!route) return false;
  if (route.access === 'viewer') return true;
  if (route.access === 'self') return route.params.id === deviceId;
  return false;
}
