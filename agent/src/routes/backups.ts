// /api/v1/backups: the run history page by page with recovery's state, one run in full, "back up
// now", keeping the nightly time it moved, and "test a restore now".
import { Hono } from 'hono';
import {
  type BackupKeptResponse,
  type BackupRunResponse,
  type BackupStartedResponse,
  BackupsQuery,
  type BackupsResponse,
} from '../../../shared/backups.ts';
import type { DrillStartedResponse } from '../../../shared/recovery.ts';
import type { Deps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import type { AppEnv } from './env.ts';
import { validate } from './json-body.ts';

/** backupRoutes answers the history, a run's detail and starts a backup. */
export function backupRoutes(deps: Pick<Deps, 'backups' | 'recovery'>) {
  const { backups, recovery } = deps;
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const query = validate(BackupsQuery, c.req.query());
      await Promise.all([backups.ingest(), recovery.ingest()]);
      const page = backups.page(query.limit, query.before);
      return c.json({
        ...page,
        summary: { ...page.summary, recoveryIssue: recovery.issue() },
        recovery: recovery.recovery(),
      } satisfies BackupsResponse);
    })
    .post('/', async (c) => {
      const at = await backups.startNow(c.get('deviceId'));
      return c.json({ started: true, at } satisfies BackupStartedResponse, 202);
    })
    .post('/keep-schedule', async (c) => {
      const keptAt = await backups.keepSchedule(c.get('deviceId'));
      return c.json({ keptAt } satisfies BackupKeptResponse);
    })
    .post('/restore-tests', async (c) => {
      const at = await recovery.startDrill(c.get('deviceId'));
      return c.json({ started: true, at } satisfies DrillStartedResponse, 202);
    })
    .get('/:id', (c) => {
      const run = backups.run(c.req.param('id'));
      if (!run) throw new ApiError('backup-run-not-found', 'There is no backup run with that id.');
      return c.json({ run } satisfies BackupRunResponse);
    });
}
