// Follows an unlock or lock by signed polling (ARCHITECTURE §5): EventSource cannot sign, iOS suspends.
import { useEffect, useState } from 'preact/hooks';
import type { Operation } from '../../../shared/unlock.ts';
import { ApiError, OfflineError } from '../api/index.ts';
import { useStore } from '../store.ts';
import { visibleLoop } from './visible-loop.ts';

/** POLL_MS keeps each step visible within a second of the agent reaching it. */
export const POLL_MS = 500;
/** RETRY_MS is the slower pace while the Pi cannot be reached: the operation runs on without us. */
const RETRY_MS = 2000;

/** worthRetrying tells failures that may pass (no network, a busy Pi) from final ones. */
function worthRetrying(error: unknown): boolean {
  if (error instanceof OfflineError) return true;
  return error instanceof ApiError && (error.status === 429 || error.status >= 500);
}

/**
 * useOperation polls GET /operations/{id} every 500 ms while the operation runs and the page is
 * visible, at once when the page is shown again, and stops when it ends. It answers the latest
 * operation and the last failure to reach it (null after a success).
 */
export function useOperation(id: string): { operation: Operation | null; error: unknown } {
  const store = useStore();
  const [operation, setOperation] = useState<Operation | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let ended = false;
    const finish = () => {
      ended = true;
      store.operationEnded(id);
      // Home and the next screens must see the state the operation left.
      store.refreshStatus();
    };
    const stop = visibleLoop(async () => {
      try {
        const answer = await store.api.operation(id);
        if (ended) return null;
        setOperation(answer);
        setError(null);
        store.connection.value = 'online';
        if (answer.state === 'running') return POLL_MS;
      } catch (failure) {
        if (ended) return null;
        store.noteFailure(failure);
        setError(failure);
        if (worthRetrying(failure)) return RETRY_MS;
      }
      finish();
      return null;
    });
    return () => {
      ended = true;
      stop();
    };
  }, [id, store]);

  return { operation, error };
}
