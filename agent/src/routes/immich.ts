// /api/v1/immich: an admin pauses or resumes Immich's heavy jobs, and changes the thermal guard.
import { Hono } from 'hono';
import {
  GuardSettingsRequest,
  ImmichJobsRequest,
  type ImmichResponse,
} from '../../../shared/immich.ts';
import type { Deps } from '../deps.ts';
import type { AppEnv } from './env.ts';
import { parseJsonBody } from './json-body.ts';

/** immichRoutes: POST /jobs {action}, PUT /guard {settings | reset}; both answer {immich}. */
export function immichRoutes(deps: Pick<Deps, 'immich'>) {
  const { immich } = deps;
  return new Hono<AppEnv>()
    .post('/jobs', async (c) => {
      const { action } = parseJsonBody(
        c.get('body'),
        c.req.header('content-type'),
        ImmichJobsRequest,
      );
      const status = await immich.setJobs(action, c.get('deviceId'));
      return c.json({ immich: status } satisfies ImmichResponse);
    })
    .put('/guard', async (c) => {
      const request = parseJsonBody(
        c.get('body'),
        c.req.header('content-type'),
        GuardSettingsRequest,
      );
      const status = await immich.setSettings(request, c.get('deviceId'));
      return c.json({ immich: status } satisfies ImmichResponse);
    });
}
