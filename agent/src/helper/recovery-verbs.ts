// The helper's recovery verbs (ARCHITECTURE §17): `drive-health` runs smartctl on the disk behind
// the configured LUKS device, `list-dumps` lists Immich's database dumps. Fixed argv and paths
// from the config only; answers stay small and carry nothing but what the verbs promise.
import type { ReadDumpDir } from '../adapters/dump-dir.ts';
import { CommandError } from '../adapters/run-command.ts';
import type { RunCommand } from '../ports.ts';
import { type HelperAnswer, MAX_SMART_OUTPUT_CHARS, refuse } from './answers.ts';
import type { HelperConfig } from './config.ts';
import { type DiskLookup, wholeDiskOf } from './whole-disk.ts';

export interface RecoveryVerbDeps extends DiskLookup {
  runCommand: RunCommand;
  readDumpDir: ReadDumpDir;
}

/** smartctl wakes a sleeping disk and a USB bridge can be slow: a minute is plenty. */
const SMARTCTL_MS = 60_000;
/** More than this on stdout is not a SMART reading; smartctl is killed and the verb fails. */
const SMARTCTL_MAX_OUTPUT_BYTES = 512 * 1024;
/** The answer line's own cap for the output, escapes included (the client takes 64 KiB). */
const MAX_ENCODED_OUTPUT_BYTES = 56 * 1024;
/** Exit bits 0-2: smartctl could not ask the disk (no device type, open failed, command failed). */
const COULD_NOT_ASK = 0b111;

type Reading = { exitStatus: number; output: string; deviceType: 'auto' | 'sat' };

/**
 * driveHealth answers smartctl's reading of the whole disk. When smartctl could not ask the disk
 * and printed no SMART status (a USB bridge it does not know), it tries again with `-d sat`
 * (SCSI-to-ATA translation, what most USB bridges speak) and answers that try if it got SMART.
 */
export async function driveHealth(
  config: HelperConfig,
  deps: RecoveryVerbDeps,
): Promise<HelperAnswer> {
  const disk = await wholeDiskOf(config, deps);
  if (disk === null) return refuse('no-disk');
  const first = await runSmartctl(config, deps, disk, 'auto');
  if (!('exitStatus' in first)) return first;
  let reading = first;
  if (!hasSmartStatus(first)) {
    const sat = await runSmartctl(config, deps, disk, 'sat');
    if ('exitStatus' in sat && hasSmartStatus(sat)) reading = sat;
  }
  return { ok: true, smart: { ...reading, output: boundedOutput(reading.output) } };
}

/** hasSmartStatus: smartctl asked the disk and printed its verdict (no JSON parsing as root). */
function hasSmartStatus(reading: Reading): boolean {
  return (reading.exitStatus & COULD_NOT_ASK) === 0 || /"smart_status"\s*:/.test(reading.output);
}

async function runSmartctl(
  config: HelperConfig,
  deps: RecoveryVerbDeps,
  disk: string,
  deviceType: Reading['deviceType'],
): Promise<Reading | HelperAnswer> {
  const typeFlags = deviceType === 'sat' ? ['-d', 'sat'] : [];
  const argv = [config.smartctl, '--json', '-H', '-A', '-i', ...typeFlags, disk];
  try {
    const { stdout } = await deps.runCommand(argv, {
      timeoutMs: SMARTCTL_MS,
      maxOutputBytes: SMARTCTL_MAX_OUTPUT_BYTES,
    });
    return { exitStatus: 0, output: stdout, deviceType };
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    if (error.timedOut) return refuse('timeout');
    if (error.outputExceeded) return refuse('command-failed', 'smartctl printed too much');
    if (error.exitCode === null) {
      const code = (error.cause as NodeJS.ErrnoException | undefined)?.code;
      if (error.signal === null && code === 'ENOENT') return refuse('smartctl-missing');
      return refuse('command-failed', 'smartctl could not run');
    }
    // Not a failure: smartctl's exit status is its findings, a bit mask (domain/recovery/smart.ts).
    return { exitStatus: error.exitCode & 0xff, output: error.stdout, deviceType };
  }
}

/** boundedOutput cuts stdout so the answer line fits the client's cap whatever it escapes to. */
function boundedOutput(output: string): string {
  let text = output.slice(0, MAX_SMART_OUTPUT_CHARS);
  while (Buffer.byteLength(JSON.stringify(text)) > MAX_ENCODED_OUTPUT_BYTES) {
    text = text.slice(0, Math.floor(text.length * 0.75));
  }
  return text;
}

/** listDumps answers the dumps in the config's dumpsDir; a missing directory has none. */
export async function listDumps(
  config: HelperConfig,
  deps: RecoveryVerbDeps,
): Promise<HelperAnswer> {
  const listing = await deps.readDumpDir(config.dumpsDir);
  if (listing.kind === 'denied')
    return refuse('command-failed', 'the dumps directory is unreadable');
  return { ok: true, dumps: listing.kind === 'ok' ? listing.dumps : [] };
}
