// Repeats a task while the page is visible: no polling from a pocket, an instant run on return.

const isHidden = () => document.visibilityState === 'hidden';

/**
 * visibleLoop runs `step` now (or after `firstDelayMs`), then again after the delay each run
 * answers, one run at a time; while the page is hidden it waits, and it runs at once when the page
 * is shown again. A run answering null ends the loop. It answers a stop function.
 */
export function visibleLoop(
  step: () => Promise<number | null>,
  options: { firstDelayMs?: number } = {},
): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let stopped = false;

  async function run() {
    clearTimeout(timer);
    if (stopped || running || isHidden()) return;
    running = true;
    let next: number | null = null;
    try {
      next = await step();
    } finally {
      running = false;
      if (next === null) stopped = true;
      if (!stopped && !isHidden()) timer = setTimeout(run, next ?? 0);
    }
  }

  const onVisibilityChange = () => (isHidden() ? clearTimeout(timer) : run());
  document.addEventListener('visibilitychange', onVisibilityChange);
  if (options.firstDelayMs === undefined) run();
  else timer = setTimeout(run, options.firstDelayMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisibilityChange);
  };
}
