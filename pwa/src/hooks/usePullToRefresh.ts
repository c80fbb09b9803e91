// Pull to refresh: a touch that starts at the top of the page and drags down far enough reloads.
import { useEffect, useState } from 'preact/hooks';

/** PULL_PX is how far a finger drags down before letting go refreshes. */
export const PULL_PX = 72;

/** Pull is what the indicator says: nothing, "release to refresh", or refreshing. */
export type Pull = 'idle' | 'ready' | 'refreshing';

/** usePullToRefresh listens for the drag on the whole page and runs `refresh` on release. */
export function usePullToRefresh(refresh: () => Promise<void>): Pull {
  const [pull, setPull] = useState<Pull>('idle');
  useEffect(() => {
    let startY: number | null = null;
    let ready = false;
    const start = (event: TouchEvent) => {
      startY =
        scrollY <= 0 && event.touches.length === 1 ? (event.touches[0]?.clientY ?? null) : null;
    };
    const move = (event: TouchEvent) => {
      if (startY === null) return;
      const next = (event.touches[0]?.clientY ?? startY) - startY >= PULL_PX;
      if (next !== ready) setPull(next ? 'ready' : 'idle');
      ready = next;
    };
    const end = () => {
      const go = ready;
      startY = null;
      ready = false;
      if (!go) return setPull('idle');
      setPull('refreshing');
      refresh().finally(() => setPull('idle'));
    };
    const cancel = () => {
      startY = null;
      ready = false;
      setPull('idle');
    };
    addEventListener('touchstart', start, { passive: true });
    addEventListener('touchmove', move, { passive: true });
    addEventListener('touchend', end);
    addEventListener('touchcancel', cancel);
    return () => {
      removeEventListener('touchstart', start);
      removeEventListener('touchmove', move);
      removeEventListener('touchend', end);
      removeEventListener('touchcancel', cancel);
    };
  }, [refresh]);
  return pull;
}
