// A clock that re-renders its component, so "2 minutes ago" keeps being true.
import { useEffect, useState } from 'preact/hooks';

/** useNow answers Date.now(), refreshed every `intervalMs`. */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
