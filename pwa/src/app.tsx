// Which screen shows: pairing state and the hard stop decide before the address bar does.
import { useEffect, useLayoutEffect } from 'preact/hooks';
import { needsNewPairing } from './errors.ts';
import { runIdOf, screenFor, toAppPath } from './router.ts';
import { type Store, StoreContext, useStore } from './store.ts';
import { lazyScreen } from './ui/Lazy.tsx';
import { Home } from './views/Home.tsx';

// Pairing is done once per phone: its screen and code input load when it is opened, and so does
// the welcome before it (lazy since issue 14: it made room in the first load for recovery, §12).
const FirstRun = lazyScreen(
  'Welcome to immich-pi',
  async () => (await import('./views/FirstRun.tsx')).FirstRun,
);
const Pair = lazyScreen('Pair with your Pi', async () => (await import('./views/Pair.tsx')).Pair);
const Unlock = lazyScreen('Unlock', async () => (await import('./views/Unlock.tsx')).Unlock);
const Lock = lazyScreen('Lock', async () => (await import('./views/Lock.tsx')).Lock);
const Alerts = lazyScreen('Alerts', async () => (await import('./views/monitoring.ts')).Alerts);
const Settings = lazyScreen(
  'Settings',
  async () => (await import('./views/Settings.tsx')).Settings,
);
const Backups = lazyScreen('Backups', async () => (await import('./views/Backups.tsx')).Backups);
// Seldom opened, so loaded on first use: this made room in the first load for Backups (§12).
const Devices = lazyScreen('Devices', async () => (await import('./views/Devices.tsx')).Devices);
// The hard stop is rare: loaded when shown, to make room in the first load for roles (§12, §14).
const AgentKeyChanged = lazyScreen(
  'The Pi’s identity changed',
  async () => (await import('./views/AgentKeyChanged.tsx')).AgentKeyChanged,
);
// Rare too: this phone revoked, or the Pi reset its devices.
const Removed = lazyScreen(
  'This phone was removed',
  async () => (await import('./views/Removed.tsx')).Removed,
);
const Activity = lazyScreen(
  'Activity',
  async () => (await import('./views/Activity.tsx')).Activity,
);

/** App provides the store to every view. */
export function App({ store }: { store: Store }) {
  return (
    <StoreContext.Provider value={store}>
      <Screens />
    </StoreContext.Provider>
  );
}

function Screens() {
  const store = useStore();
  const device = store.device.value;
  const asked = store.router.path.value;
  const shown = device === undefined ? asked : screenFor(asked, device !== null);
  usePushUpkeep(store, Boolean(device));
  // Keep the address bar honest about the screen shown, in the same commit as the screen: an
  // effect after paint let the first-run screen show while the bar still said "/".
  useLayoutEffect(() => {
    if (shown !== asked) store.router.navigate(shown, { replace: true });
  }, [shown, asked, store]);

  if (device === undefined) return null; // IndexedDB answers within a frame or two
  if (store.agentKeyChanged.value) return <AgentKeyChanged />;
  if (device && needsNewPairing(store.statusError.value)) return <Removed />;
  switch (shown) {
    case '/welcome':
      return <FirstRun />;
    case '/pair':
      return <Pair />;
    case '/devices':
      return <Devices />;
    case '/activity':
      return <Activity />;
    case '/unlock':
      return <Unlock />;
    case '/lock':
      return <Lock />;
    case '/alerts':
      return <Alerts />;
    case '/settings':
      return <Settings />;
    case '/backups':
      return <Backups />;
    default:
      // A run's own page (/backups/<id>) comes in Backups' chunk, which picks the screen.
      return runIdOf(shown) === null ? <Home /> : <Backups />;
  }
}

/**
 * usePushUpkeep re-sends this browser's push subscription once the app runs paired (Safari has no
 * pushsubscriptionchange; it never prompts), and follows a tapped notification's path when the
 * service worker could not navigate this window itself.
 */
function usePushUpkeep(store: Store, paired: boolean) {
  useEffect(() => {
    if (!paired) return;
    // Loaded after the first screen: the launch path stays within the size budget (§12).
    import('./notifications.ts')
      .then(({ browserPush, resendSubscription }) => resendSubscription(store.api, browserPush()))
      .catch((error) => {
        store.noteFailure(error);
        console.warn('push subscription not re-sent', error);
      });
  }, [paired, store]);

  useEffect(() => {
    const worker = 'serviceWorker' in navigator ? navigator.serviceWorker : null;
    const follow = (event: MessageEvent) => {
      const { type, path } = (event.data ?? {}) as { type?: unknown; path?: unknown };
      if (type === 'navigate' && typeof path === 'string')
        store.router.navigate(toAppPath(new URL(path, location.origin).pathname));
    };
    worker?.addEventListener('message', follow);
    return () => worker?.removeEventListener('message', follow);
  }, [store]);
}
