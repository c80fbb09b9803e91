// The Backups screen's calls (ARCHITECTURE §11): signed and validated like every other call, and
// loaded with that screen (api.ts imports this file on first use) so they stay out of the first load.
import { ROUTES } from '../../../shared/api.ts';
import {
  type BackupRun,
  BackupRunResponse,
  BackupStartedResponse,
  BackupsResponse,
} from '../../../shared/backups.ts';
import type { SignedAny } from './push.ts';

/** BackupsPage asks for one page of the history: `before` is the `next` of the page before. */
export interface BackupsPage {
  limit?: number;
  before?: string | null;
}

/** backupsQuery is the page as the signed query string: '' for the defaults. */
export function backupsQuery(page: BackupsPage): string {
  const params = new URLSearchParams();
  if (page.limit !== undefined) params.set('limit', String(page.limit));
  if (page.before !== undefined && page.before !== null) params.set('before', page.before);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** backupCalls builds the history, run detail and "Back up now" calls on top of the signed request. */
export function backupCalls(from: { signed: SignedAny }) {
  const { signed } = from;
  return {
    /** backups answers the summary and a page of runs, newest first; the first page has the chart. */
    backups: (page: BackupsPage = {}) =>
      signed('GET', ROUTES.backups, BackupsResponse, backupsQuery(page)),
    /** backupRun answers one run in full: its exit as systemd saw it and its last log lines. */
    backupRun: async (id: string): Promise<BackupRun> =>
      (await signed('GET', ROUTES.backupRun(id), BackupRunResponse)).run,
    /** startBackup asks the Pi to start a backup now; it answers at once, the run follows. */
    startBackup: () => signed('POST', ROUTES.backups, BackupStartedResponse),
  };
}

/** BackupCalls is what `api.backupCalls()` answers. */
export type BackupCalls = ReturnType<typeof backupCalls>;
