// How this phone writes dates (clock.ts learns it), kept in IndexedDB with the rest of the app's
// state and read with it at start, before any screen draws. So clock.ts writes a date without a
// storage read of its own: localStorage's first read in a page waits for the browser process, and
// as a fresh browser starts that was a 27 ms gap in Home's drawing (measured in Lighthouse's trace).
import { dbGet, dbSet } from './db.ts';

const KEY = 'dateShapes';
let kept: unknown;

/** loadDateShapes reads the kept shapes; it never fails: without them, clock.ts learns them again. */
export async function loadDateShapes(): Promise<void> {
  kept = await dbGet(KEY).catch(() => undefined);
}

/** keptDateShapes answers what was read or last kept, unchecked: clock.ts checks it. */
export const keptDateShapes = (): unknown => kept;

/** keepDateShapes keeps shapes for this run and the next; a refused write only means learning again. */
export function keepDateShapes(shapes: unknown): void {
  kept = shapes;
  dbSet(KEY, shapes).catch(() => {});
}
