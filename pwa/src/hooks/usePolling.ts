// Repeats a task while the page is visible: no polling from a pocket, an instant refresh on return.
import { useEffect } from 'preact/hooks';

const isHidden = () => document.visibilityState === 'hidden';

/** usePolling runs `task` now and then every `intervalMs` while visible, one run at a time. */
export function usePolling(task: () => Promise<void>, intervalMs: number): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = false;
    let stopped = false;

    async function runOnce() {
      clearTimeout(timer);
      if (stopped || running || isHidden()) return;
      running = true;
      try {
        await task();
      } finally {
        running = false;
        if (!stopped && !isHidden()) timer = setTimeout(runOnce, intervalMs);
      }
    }

    const onVisibilityChange = () => (isHidden() ? clearTimeout(timer) : runOnce());
    document.addEventListener('visibilitychange', onVisibilityChange);
    runOnce();
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibilityChange);
    };
  }, [task, intervalMs]);
}
