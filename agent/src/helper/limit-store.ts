// The helper's wrong-passphrase record on disk: one crash-safe state file in the helper's own
// state dir, so a compromised agent cannot reset the budget (ARCHITECTURE §8).
import * as v from 'valibot';
import { readIfPresent, statePaths } from '../adapters/state-store/files.ts';
import {
  openStateFile,
  type RecoveryReport,
  type StateFile,
} from '../adapters/state-store/index.ts';
import { decodeStateFile } from '../adapters/state-store/load.ts';
import { PassphraseLimitState } from '../domain/passphrase-limit.ts';

/** LimitRecord is the helper's wrong-passphrase record: failures by uptime, valid for one boot. */
export const LimitRecord = v.object({ bootId: v.string(), ...PassphraseLimitState.entries });
export type LimitRecord = v.InferOutput<typeof LimitRecord>;

/** LimitStore keeps the LimitRecord across helper processes (one process per request). */
export interface LimitStore {
  /** peek reads the record and repairs nothing, so it is safe without the KDF lock. */
  peek(): Promise<LimitRecord | null>;
  /** load reads the record, recovering a corrupt file; only while holding the KDF lock. */
  load(): Promise<LimitRecord | null>;
  /** save writes the record durably; only while holding the KDF lock. */
  save(record: LimitRecord): Promise<void>;
}

const FILE_NAME = 'passphrase-limit.json';

/**
 * createLimitStore keeps the record in `<stateDir>/passphrase-limit.json`. Writes happen only
 * under the KDF lock, one helper process at a time; peek only reads, so it needs no lock.
 */
export function createLimitStore(
  stateDir: string,
  onRecovered?: (report: RecoveryReport) => void,
): LimitStore {
  let file: StateFile<LimitRecord> | null = null;
  const open = async () => {
    file ??= await openStateFile({
      dir: stateDir,
      name: FILE_NAME,
      schema: LimitRecord,
      // An empty boot id matches no boot: no failures counted.
      initial: () => ({ bootId: '', failures: [] }),
      onRecovered,
    });
    return file;
  };
  return {
    async peek() {
      const text = await readIfPresent(statePaths(stateDir, FILE_NAME).current);
      const reading = decodeStateFile(text, LimitRecord);
      return reading.kind === 'valid' ? reading.data : null;
    },
    async load() {
      return (await open()).value;
    },
    async save(record) {
      await (await open()).update(() => record);
    },
  };
}
