// Repeats a task while the page is visible (hooks/visible-loop.ts), every intervalMs.
import { useEffect } from 'preact/hooks';
import { visibleLoop } from './visible-loop.ts';

/** usePolling runs `task` now and then every `intervalMs` while visible, one run at a time. */
export function usePolling(task: () => Promise<void>, intervalMs: number): void {
  useEffect(
    () =>
      visibleLoop(() =>
        task().then(
          () => intervalMs,
          () => intervalMs,
        ),
      ),
    [task, intervalMs],
  );
}
