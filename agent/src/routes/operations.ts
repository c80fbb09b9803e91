// GET /api/v1/operations/{id}: unlock and lock progress, polled with signed requests (ARCHITECTURE §5).
import { Hono } from 'hono';
import type { OperationResponse } from '../../../shared/unlock.ts';
import type { Deps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import type { AppEnv } from './env.ts';

/** operationRoutes answers one operation as it is now: its steps, their times, its error. */
export function operationRoutes(deps: Pick<Deps, 'driveControl'>) {
  return new Hono<AppEnv>().get('/:id', (c) => {
    const operation = deps.driveControl.get(c.req.param('id'));
    if (!operation) {
      throw new ApiError('operation-not-found', 'No recent unlock or lock has that id.');
    }
    return c.json({ operation } satisfies OperationResponse);
  });
}
