// Which screen shows: pairing state and the hard stop decide before the address bar does.
import { useEffect } from 'preact/hooks';
import { screenFor } from './router.ts';
import { type Store, StoreContext, useStore } from './store.ts';
import { lazyScreen } from './ui/Lazy.tsx';
import { Activity } from './views/Activity.tsx';
import { AgentKeyChanged } from './views/AgentKeyChanged.tsx';
import { Devices } from './views/Devices.tsx';
import { FirstRun } from './views/FirstRun.tsx';
import { Home } from './views/Home.tsx';
import { Pair } from './views/Pair.tsx';

const Unlock = lazyScreen('Unlock', async () => (await import('./views/Unlock.tsx')).Unlock);
const Lock = lazyScreen('Lock', async () => (await import('./views/Lock.tsx')).Lock);

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
  // Keep the address bar honest about the screen shown.
  useEffect(() => {
    if (shown !== asked) store.router.navigate(shown, { replace: true });
  }, [shown, asked, store]);

  if (device === undefined) return null; // IndexedDB answers within a frame or two
  if (store.agentKeyChanged.value) return <AgentKeyChanged />;
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
    default:
      return <Home />;
  }
}
