// The part of the alert service recovery raises its conditions through (drills, dumps, drive health).
import type { AlertSubject } from '../../../../shared/alerts.ts';

/** RecoveryAlertKind are the state alerts of ARCHITECTURE §17. */
export type RecoveryAlertKind =
  | 'restore-test-failed'
  | 'restore-test-overdue'
  | 'db-dump-stale'
  | 'drive-health-failing'
  | 'drive-sectors-growing';

/** RecoveryAlertsPort has the shape of BackupAlertsPort (services/backups/backup-alerts.ts). */
export interface RecoveryAlertsPort {
  condition(
    kind: RecoveryAlertKind,
    active: boolean,
    subject: AlertSubject,
    options?: { alreadyNotified?: boolean },
  ): void;
}
