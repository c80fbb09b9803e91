// A tiny router on the History API: ten screens and one run's page, no library.
import { type Signal, signal } from '@preact/signals';

export const APP_PATHS = [
  '/',
  '/welcome',
  '/pair',
  '/devices',
  '/activity',
  '/unlock',
  '/lock',
  '/alerts',
  '/settings',
  '/backups',
] as const;
/** A backup run's own page: /backups/<its id>. */
export type RunPath = `/backups/${string}`;
export type AppPath = (typeof APP_PATHS)[number] | RunPath;

// A run's id is systemd's INVOCATION_ID (32 hex digits); anything id-like is let through, for the
// agent to answer backup-run-not-found in words.
const RUN_PATH = /^\/backups\/([\w-]{1,64})$/;

/** runPath is the page of the run with this id. */
export const runPath = (id: string): RunPath => `/backups/${id}`;

/** runIdOf answers the run id of a run's page, null for any other path. */
export function runIdOf(path: string): string | null {
  return RUN_PATH.exec(path)?.[1] ?? null;
}

/** toAppPath maps a location to one of the app's screens; anything else is Home. */
export function toAppPath(pathname: string): AppPath {
  const trimmed = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (RUN_PATH.test(trimmed)) return trimmed as RunPath;
  return (APP_PATHS as readonly string[]).includes(trimmed) ? (trimmed as AppPath) : '/';
}

/** screenFor picks the path a paired or unpaired app may show for the one asked for. */
export function screenFor(path: AppPath, paired: boolean): AppPath {
  if (!paired) return path === '/pair' ? '/pair' : '/welcome';
  return path === '/pair' || path === '/welcome' ? '/' : path;
}

/** Router holds the current screen and changes it with pushState/replaceState. */
export interface Router {
  path: Signal<AppPath>;
  navigate(to: AppPath, options?: { replace?: boolean }): void;
}

/** createRouter follows the address bar, including the back button. */
export function createRouter(): Router {
  const path = signal(toAppPath(location.pathname));
  addEventListener('popstate', () => {
    path.value = toAppPath(location.pathname);
  });
  return {
    path,
    navigate(to, options = {}) {
      if (to === path.value && to === location.pathname) return;
      if (options.replace) history.replaceState(null, '', to);
      else history.pushState(null, '', to);
      path.value = to;
      // A new screen starts at its top, like a page load.
      scrollTo(0, 0);
    },
  };
}
