// What this device may do (ARCHITECTURE §14): its role from the last status, asked of shared/roles.ts.
import { ROUTES } from '../../shared/api.ts';
import { mayCall, type Role } from '../../shared/roles.ts';
import type { AppStatusResponse } from '../../shared/status.ts';
import { useStore } from './store.ts';

/** Access is this device's role, whom to ask when it may not act, and the one test of a call. */
export interface Access {
  role: Role;
  adminNames: readonly string[];
  /** may tells whether the agent would take this request from this device (shared/roles.ts). */
  may(method: string, path: string): boolean;
}

/**
 * accessOf reads the role from a status (kept fresh by Home's polling). A status saved by an
 * older version, or from an older agent, has no access: those agents made every device an admin.
 * The app only decides what to show; the agent refuses what a role may not do, whatever is shown.
 */
export function accessOf(
  status: Pick<AppStatusResponse, 'access'> | undefined,
  deviceId: string | undefined,
): Access {
  const role = status?.access?.role ?? 'admin';
  return {
    role,
    adminNames: status?.access?.adminNames ?? [],
    may: (method, path) => mayCall(role, deviceId ?? '', method, path),
  };
}

/** useAccess gives a view this device's access; it re-renders when a new status arrives. */
export function useAccess(): Access {
  const store = useStore();
  return accessOf(store.lastStatus.value?.status, store.device.value?.deviceId);
}

/**
 * askToUnlock says whom a viewer asks: "Ask Anna's phone to unlock", "Ask A or B to unlock",
 * "Ask A, B or C to unlock", or "Ask an admin to unlock" when no admin's name is known.
 */
export function askToUnlock(adminNames: readonly string[]): string {
  const names = adminNames.map((name) => name.trim()).filter(Boolean);
  const last = names.pop();
  if (last === undefined) return 'Ask an admin to unlock';
  return `Ask ${names.length > 0 ? `${names.join(', ')} or ` : ''}${last} to unlock`;
}

/** DriveAction is what Home's drive tile offers: a way in, the progress, or whom to ask. */
export type DriveAction = 'unlock' | 'lock' | 'progress' | 'ask' | null;

/**
 * driveAction picks the drive tile's one action for this device. A viewer sees no Unlock, Lock
 * or progress (operations are admin only) and, where Unlock would be, whom to ask.
 */
export function driveAction(status: AppStatusResponse, access: Access): DriveAction {
  // A status saved by an older version has no operation field.
  const running = status.operation ?? null;
  if (running) return access.may('GET', ROUTES.operation(running.id)) ? 'progress' : null;
  const state = status.drive.state;
  if (state === 'locked' || state === 'failed' || state === 'degraded')
    return access.may('POST', ROUTES.unlock) ? 'unlock' : 'ask';
  if (state === 'running') return access.may('POST', ROUTES.lock) ? 'lock' : null;
  return null;
}
