// The Backups screen's calls (ARCHITECTURE §11): signed and validated like every other call, and
// loaded with that screen (api.ts imports this file on first use) so they stay out of the first load.
import { ROUTES } from '../../../shared/api.ts';
import {
  BackupKeptResponse,
  type BackupRun,
  BackupRunResponse,
  BackupStartedResponse,
  BackupsResponse,
} from '../../../shared/backups.ts';
import { DrillStartedResponse } from '../../../shared/recovery.ts';
import { type Page, pageQuery, type Signed } from './signed.ts';

/** backupCalls builds the history, run detail, "Back up now" and "Test a restore now" calls on top of the signed request. */
export function backupCalls(from: { signed: Signed }) {
  const { signed } = from;
  return {
    /** backups answers the summary and a page of runs, newest first; the first page has the chart. */
    backups: (page: Page = {}) => signed('GET', ROUTES.backups, BackupsResponse, pageQuery(page)),
    /** backupRun answers one run in full: its exit as systemd saw it and its last log lines. */
    backupRun: async (id: string): Promise<BackupRun> =>
      (await signed('GET', ROUTES.backupRun(id), BackupRunResponse)).run,
    /** startBackup asks the Pi to start a backup now; it answers at once, the run follows. */
    startBackup: () => signed('POST', ROUTES.backups, BackupStartedResponse),
    /** keepSchedule asks the Pi to keep the nightly time the last start moved; answers it. */
    keepSchedule: async () =>
      (await signed('POST', ROUTES.keepBackupSchedule, BackupKeptResponse)).keptAt,
    /** startRestoreTest asks the Pi to start a restore drill now; follow it in `recovery.running`. */
    startRestoreTest: () => signed('POST', ROUTES.restoreTests, DrillStartedResponse),
  };
}

/** BackupCalls is what `api.backupCalls()` answers. */
export type BackupCalls = ReturnType<typeof backupCalls>;
