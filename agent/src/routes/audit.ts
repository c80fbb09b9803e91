// GET /api/v1/audit: pairing and device events, newest first, paged by id.
import { Hono } from 'hono';
import { AuditQuery, type AuditResponse } from '../../../shared/audit.ts';
import type { Deps } from '../deps.ts';
import type { AppEnv } from './env.ts';
import { validate } from './json-body.ts';

/** auditRoutes pages through the audit log with `limit` and `before`. */
export function auditRoutes(deps: Pick<Deps, 'audit'>) {
  return new Hono<AppEnv>().get('/', (c) => {
    const query = validate(AuditQuery, c.req.query());
    return c.json(deps.audit.list(query.limit ?? 50, query.before) satisfies AuditResponse);
  });
}
