// The one way a screen runs a call to the agent: busy while it runs, the failure noted app-wide
// (offline, a changed key) and kept to show beside the action that failed.
import { useCallback, useState } from 'preact/hooks';
import { useStore } from '../store.ts';

export interface Action {
  busy: boolean;
  /** The last failure, null after a run that worked and while one runs. */
  error: unknown;
  /** run runs task; it answers whether it worked, and never throws. */
  run(task: () => Promise<void>): Promise<boolean>;
  setError(error: unknown): void;
}

export function useAction(): Action {
  const store = useStore();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(
    async (task: () => Promise<void>) => {
      setBusy(true);
      setError(null);
      try {
        await task();
        return true;
      } catch (failure) {
        store.noteFailure(failure);
        setError(failure);
        return false;
      } finally {
        setBusy(false);
      }
    },
    [store],
  );
  return { busy, error, run, setError };
}
