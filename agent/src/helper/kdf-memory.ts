// The KDF memory check before `cryptsetup open` (ARCHITECTURE §7): Argon2id is memory-hard, and
// a header made on a desktop can ask for more than a Pi has free; the OOM killer is worse than no.
import * as v from 'valibot';
import { CommandError } from '../adapters/run-command.ts';
import type { ReadText, RunCommand } from '../ports.ts';
import { type HelperAnswer, refuse } from './answers.ts';
import type { HelperConfig } from './config.ts';

/** The KDF must leave this much memory to the rest of the Pi (Postgres, Immich, the kernel). */
export const KDF_MEMORY_HEADROOM_KIB = 256 * 1024;
const LUKS_DUMP_MS = 30_000;

/** checkKdfMemory reads the header's KDF cost with luksDump and refuses when MemAvailable is below the header's Argon2 cost plus headroom. */
export async function checkKdfMemory(
  config: HelperConfig,
  deps: { runCommand: RunCommand; readText: ReadText },
): Promise<HelperAnswer | null> {
  const argv = [config.cryptsetup, 'luksDump', '--dump-json-metadata', config.device];
  let metadata: string;
  try {
    metadata = (await deps.runCommand(argv, { timeoutMs: LUKS_DUMP_MS })).stdout;
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    if (error.timedOut) return refuse('timeout');
    if (error.exitCode === 4) return refuse('drive-missing');
    return refuse('command-failed', 'cryptsetup cannot read the drive header');
  }
  const costKiB = kdfMemoryKiB(metadata);
  if (costKiB === null) return refuse('command-failed', 'cryptsetup cannot read the drive header');
  const meminfo = await deps.readText(config.meminfo);
  const available = /^MemAvailable:\s+(\d+) kB$/m.exec(meminfo ?? '')?.[1];
  if (available === undefined) return refuse('command-failed', 'cannot read free memory');
  return Number(available) < costKiB + KDF_MEMORY_HEADROOM_KIB
    ? refuse('insufficient-memory')
    : null;
}

const LuksMetadata = v.object({
  keyslots: v.record(
    v.string(),
    v.object({ kdf: v.optional(v.object({ type: v.string(), memory: v.optional(v.number()) })) }),
  ),
});

/** kdfMemoryKiB is the largest Argon2 memory cost of any keyslot (PBKDF2 costs none); null if unreadable. */
export function kdfMemoryKiB(luksDumpJson: string): number | null {
  let raw: unknown;
  try {
    raw = JSON.parse(luksDumpJson);
  } catch {
    return null;
  }
  const parsed = v.safeParse(LuksMetadata, raw);
  if (!parsed.success) return null;
  const costs = Object.values(parsed.output.keyslots).map((slot) => slot.kdf?.memory ?? 0);
  return Math.max(0, ...costs);
}
