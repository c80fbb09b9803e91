// A screen's data that stays readable offline: each answer is kept in IndexedDB, and when the Pi
// cannot be reached the screen shows the kept one, marked stale, under the app's offline bar.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { OfflineError } from '../api/index.ts';
import { dbGet, dbSet } from '../db.ts';
import { useStore } from '../store.ts';
import { visibleLoop } from './visible-loop.ts';

/** keep saves a screen's latest answer, for the next visit without the Pi. */
export function keep(key: string, value: unknown): Promise<void> {
  return dbSet(`kept:${key}`, value);
}

/** kept answers the screen's saved answer, undefined when there is none. */
export function kept<T>(key: string): Promise<T | undefined> {
  return dbGet<T>(`kept:${key}`);
}

/** Kept is what a screen draws: the data, whether it is the kept copy, and a load failure. */
export interface Kept<T> {
  data: T | null;
  /** The data is from an earlier visit or load: the Pi did not answer this time. */
  stale: boolean;
  /** A failure other than "offline" (the offline bar says that), null after a success. */
  error: unknown;
  reload(): Promise<void>;
}

/**
 * useKept loads on arrival, after the offline bar's Retry, and every `pollMs` while the page is
 * visible (null: once). The key names the screen's copy; forgetting the Pi clears them all.
 */
export function useKept<T>(key: string, load: () => Promise<T>, pollMs: number | null): Kept<T> {
  const store = useStore();
  const [data, setData] = useState<T | null>(null);
  const [stale, setStale] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const reload = useCallback(async () => {
    try {
      const value = await load();
      setData(value);
      setStale(false);
      setError(null);
      store.connection.value = 'online';
      await keep(key, value);
    } catch (failure) {
      store.noteFailure(failure);
      if (!(failure instanceof OfflineError)) {
        setError(failure);
        return;
      }
      setError(null);
      setStale(true);
      // What this visit loaded stays; a first load falls back to the last visit's copy.
      const copy = await kept<T>(key);
      if (copy !== undefined) setData((shown) => shown ?? copy);
    }
  }, [key, load, store]);
  const retries = store.retries.value;
  useEffect(() => {
    if (pollMs === null) {
      reload();
      return;
    }
    return visibleLoop(() => reload().then(() => pollMs));
  }, [reload, pollMs, retries]);
  return { data, stale, error, reload };
}
