// The last status the agent answered, kept so the app has something true to show offline.
import type { AppStatusResponse } from '../../shared/status.ts';
import { dbGet, dbSet } from './db.ts';

const LAST_STATUS = 'lastStatus';

/** SeenStatus is a status with the local time it arrived (its age is measured on this clock). */
export interface SeenStatus {
  status: AppStatusResponse;
  fetchedAt: number;
}

/** loadLastStatus answers the status kept from the last time the agent answered, if any. */
export async function loadLastStatus(): Promise<SeenStatus | null> {
  return (await dbGet<SeenStatus>(LAST_STATUS)) ?? null;
}

/** saveLastStatus keeps one status for offline use. */
export function saveLastStatus(seen: SeenStatus): Promise<void> {
  return dbSet(LAST_STATUS, seen);
}
