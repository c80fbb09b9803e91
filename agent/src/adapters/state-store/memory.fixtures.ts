// A state file held in memory, for tests: what openStateFile answers, without the disk.
import type { StateFile } from './index.ts';

/** memoryFile answers a StateFile holding value; update applies the change at once. */
export const memoryFile = <T>(value: T): StateFile<T> => ({
  value,
  async update(change) {
    (this as { value: T }).value = change(this.value);
  },
});
