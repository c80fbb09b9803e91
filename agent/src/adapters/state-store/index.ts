// The agent's crash-safe state files (ARCHITECTURE §9): one JSON file per kind of state, each
// write durable before it is acknowledged, and a corrupt file recovered from its previous copy.
import type * as v from 'valibot';
import { ensureStateDir, replaceDurably, type StatePaths, statePaths } from './files.ts';
import { decodeStateFile, encodeStateFile, loadOrRecover, type RecoveryReport } from './load.ts';

export { StateStoreError, type StateStoreOperation } from './files.ts';
export type { RecoveryReport } from './load.ts';

/** StateFile is one kind of state: its value in memory and durable changes to it. */
export interface StateFile<T> {
  /** The newest value (from the moment update() is called) or the one loaded. */
  readonly value: T;
  /**
   * update makes `change(latest)` the value now and durable soon. `change` runs at once on the
   * newest value, every earlier update included whether or not it is on disk yet, so no await
   * can sit between reading the state and writing it back (a lost update). It resolves once
   * that value, or a newer one, is on disk and synced. It rejects with StateStoreError on an
   * I/O failure, and with TypeError or whatever `change` threw (leaving `value` alone) when the
   * result would not load again.
   */
  update(change: (latest: T) => T): Promise<void>;
}

export interface OpenStateFileOptions<T> {
  /** The state dir; created with mode 0700 if missing. */
  dir: string;
  /** A plain file name such as `devices.json`. */
  name: string;
  schema: v.GenericSchema<unknown, T>;
  /** The value when there is no state yet, or when the file and its copy are both corrupt. */
  initial: () => NoInfer<T>; // T comes from the schema, not from the narrower initial value
  /** Called once, before openStateFile resolves, when a corrupt or missing file was dealt with. */
  onRecovered?: (report: RecoveryReport) => void;
  /** Wall clock in ms, used to name quarantined files. */
  now?: () => number;
}

/**
 * openStateFile loads one state file (recovering from corruption without throwing) and answers a
 * handle whose writes to that file run one at a time. Only I/O failures throw StateStoreError.
 * Open each file once per process: the one-at-a-time queue belongs to the handle.
 */
export async function openStateFile<T>(options: OpenStateFileOptions<T>): Promise<StateFile<T>> {
  const paths = statePaths(options.dir, options.name);
  await ensureStateDir(paths);
  const loaded = await loadOrRecover(
    paths,
    options.schema,
    options.initial,
    options.now ?? Date.now,
  );
  if (loaded.report) options.onRecovered?.(loaded.report);
  return createStateFile(paths, options.schema, loaded.value);
}

/** A write waiting for the one on disk to finish; later writes replace its content. */
interface PendingWrite {
  content: string;
  done: Promise<void>;
}

/**
 * encodeLoadable serialises now (so later mutation by the caller changes nothing) and refuses
 * content the next start would call corrupt and throw away.
 */
function encodeLoadable<T>(name: string, next: T, schema: v.GenericSchema<unknown, T>): string {
  const content = encodeStateFile(next); // throws TypeError on cycles and BigInt
  const reading = decodeStateFile(content, schema);
  if (reading.kind !== 'valid') {
    const why = reading.kind === 'corrupt' ? reading.reason : 'empty';
    throw new TypeError(`refusing to write ${name}: it would not load again: ${why}`);
  }
  return content;
}

function createStateFile<T>(
  paths: StatePaths,
  schema: v.GenericSchema<unknown, T>,
  loaded: T,
): StateFile<T> {
  let value = loaded;
  let lastWrite: Promise<void> = Promise.resolve();
  let pending: PendingWrite | null = null;

  return {
    get value() {
      return value;
    },
    update(change) {
      let next: T;
      let content: string;
      try {
        next = change(value);
        content = encodeLoadable(paths.name, next, schema);
      } catch (error) {
        return Promise.reject(error);
      }
      value = next;
      // Only the newest content matters, so writes that queue up behind one on disk share a
      // single write; each still resolves only once content at least that new is durable.
      if (pending) {
        pending.content = content;
        return pending.done;
      }
      const slot: PendingWrite = { content, done: Promise.resolve() };
      slot.done = lastWrite
        .catch(() => undefined) // an earlier failure is reported to its own caller
        .then(() => {
          pending = null;
          return replaceDurably(paths, slot.content, { keepPrevious: true });
        });
      pending = slot;
      lastWrite = slot.done;
      return slot.done;
    },
  };
}
