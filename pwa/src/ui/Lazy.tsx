// Screens loaded on first use: Unlock brings tweetnacl, kept out of the first page load (§12 budget).
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Notice } from './Notice.tsx';
import { Screen } from './Screen.tsx';

/**
 * lazyScreen answers a component that loads the real screen with a dynamic import the first
 * time it is shown (the service worker has it precached, so this works offline too).
 */
export function lazyScreen(title: string, load: () => Promise<ComponentType>): ComponentType {
  let loaded: ComponentType | null = null;
  return function LazyScreen() {
    const [View, setView] = useState<ComponentType | null>(() => loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (loaded) return;
      load()
        .then((view) => {
          loaded = view;
          setView(() => view);
        })
        .catch(() => setFailed(true));
    }, []);
    if (View) return <View />;
    return (
      <Screen title={title}>
        {failed ? (
          <Notice kind="error">
            This screen could not be loaded. Reload the app and try again.
          </Notice>
        ) : (
          <p aria-live="polite">Loading…</p>
        )}
      </Screen>
    );
  };
}
