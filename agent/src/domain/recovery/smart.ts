// What smartctl says about the drive, read tolerantly: its JSON (`smartctl --json -H -A -i`) and
// its exit status, a bit mask, turned into shared/recovery.ts' DriveHealth. Pure: no I/O here.
import type { DriveHealth } from '../../../../shared/recovery.ts';

/**
 * SMART_EXIT_BITS: smartctl's exit status is a bit mask (smartctl(8), EXIT STATUS; smartctl.h's
 * FAILCMD .. FAILLOG). Bit 0 the command line did not parse (or, for an unknown USB bridge, no
 * device type was given); 1 the device could not be opened; 2 a SMART or other command to the
 * disk failed; 3 SMART's status says DISK FAILING; 4 a pre-failure attribute is at or below its
 * threshold; 5 an age (usage) attribute is, or some attribute was in the past; 6 the error log
 * has errors; 7 the self-test log has errors.
 */
export const SMART_EXIT_BITS = {
  commandLine: 1 << 0,
  deviceOpen: 1 << 1,
  commandFailed: 1 << 2,
  diskFailing: 1 << 3,
  prefailAttribute: 1 << 4,
  pastThreshold: 1 << 5,
  errorLog: 1 << 6,
  selfTestErrors: 1 << 7,
} as const;

/** SmartReading is what the helper's drive-health answer carries. */
export interface SmartReading {
  exitStatus: number;
  output: string;
  deviceType: 'auto' | 'sat';
}

/** The counts that say a disk is losing sectors; null when the disk does not report one. */
export type BadSectorCounts = Pick<
  DriveHealth,
  | 'reallocatedSectors'
  | 'pendingSectors'
  | 'offlineUncorrectable'
  | 'reportedUncorrectable'
  | 'mediaErrors'
>;

/** COUNT_WORDS names each count in an alert's words, in the order they are said. */
export const COUNT_WORDS: Record<keyof BadSectorCounts, string> = {
  reallocatedSectors: 'reallocated sectors',
  pendingSectors: 'pending sectors',
  offlineUncorrectable: 'offline uncorrectable sectors',
  reportedUncorrectable: 'reported uncorrectable errors',
  mediaErrors: 'media errors',
};

/** The ATA attribute id of each count (ATA's raw values). */
const ATA_IDS = {
  reallocatedSectors: 5,
  reportedUncorrectable: 187,
  pendingSectors: 197,
  offlineUncorrectable: 198,
} as const;

/** Words smartctl prints when the adapter passes no SMART commands (its messages array). */
const NO_SMART_WORDS =
  /unknown usb bridge|specify device type|lacks smart capability|smart support is:\s*unavailable|mandatory smart command failed|read device identity failed|unsupported field in scsi command/i;

export const UNSUPPORTED_WORDS =
  'The drive’s USB adapter passes no SMART data, so its health cannot be read. This is not an error.';
const FAILING_WORDS = 'SMART’s self-assessment says the drive is failing.';
const GARBAGE_WORDS = 'smartctl printed something that is not SMART data.';

type Json = Record<string, unknown>;

/** driveHealthFromSmart reads one smartctl run; `readAt` is when (wall ms). It never throws. */
export function driveHealthFromSmart(reading: SmartReading, readAt: number): DriveHealth {
  const bits = reading.exitStatus;
  const failingBit = (bits & SMART_EXIT_BITS.diskFailing) !== 0;
  const base = emptyHealth(readAt);
  const json = parseObject(reading.output);
  if (json === null) {
    // The verdict is in the exit status too: a failing disk stays failing whatever it printed.
    if (failingBit) return { ...base, state: 'failing', passed: false, problem: FAILING_WORDS };
    return { ...base, problem: GARBAGE_WORDS };
  }
  const device = record(json.device);
  const protocol = protocolOf(device.protocol);
  const model = text(json.model_name) ?? text(json.scsi_model_name) ?? text(json.product);
  const status = record(json.smart_status);
  const passedField = typeof status.passed === 'boolean' ? status.passed : null;
  const ata = ataCounts(json);
  const nvme = record(json.nvme_smart_health_information_log);
  const hasData =
    passedField !== null || ata !== null || Object.keys(nvme).length > 0 || failingBit;
  const known = { ...base, model, protocol };
  if (!hasData) {
    if (looksUnsupported(json, bits))
      return { ...known, state: 'unsupported', problem: UNSUPPORTED_WORDS };
    return { ...known, problem: firstMessage(json) ?? GARBAGE_WORDS };
  }
  const passed = failingBit ? false : passedField;
  const health: DriveHealth = {
    ...known,
    passed,
    powerOnHours: count(record(json.power_on_time).hours) ?? count(nvme.power_on_hours),
    temperatureC: count(record(json.temperature).current) ?? count(nvme.temperature),
    reallocatedSectors: ata?.reallocatedSectors ?? null,
    pendingSectors: ata?.pendingSectors ?? null,
    offlineUncorrectable: ata?.offlineUncorrectable ?? null,
    reportedUncorrectable: ata?.reportedUncorrectable ?? null,
    percentUsed: count(nvme.percentage_used),
    mediaErrors: count(nvme.media_errors),
  };
  if (passed === false) return { ...health, state: 'failing', problem: FAILING_WORDS };
  const nonZero = describeCounts(health);
  if (nonZero !== null) return { ...health, state: 'warning', problem: `SMART counts ${nonZero}.` };
  if ((bits & SMART_EXIT_BITS.prefailAttribute) !== 0) {
    return {
      ...health,
      state: 'warning',
      problem: 'A SMART pre-failure attribute is at or below its threshold.',
    };
  }
  return { ...health, state: 'ok' };
}

/** emptyHealth is DriveHealth with nothing known: state unknown. */
export function emptyHealth(readAt: number | null, problem: string | null = null): DriveHealth {
  return {
    state: 'unknown',
    readAt,
    model: null,
    protocol: null,
    passed: null,
    powerOnHours: null,
    temperatureC: null,
    reallocatedSectors: null,
    pendingSectors: null,
    offlineUncorrectable: null,
    reportedUncorrectable: null,
    percentUsed: null,
    mediaErrors: null,
    problem,
  };
}

/** badSectorCounts picks the counts a growth is judged on. */
export function badSectorCounts(health: DriveHealth): BadSectorCounts {
  return {
    reallocatedSectors: health.reallocatedSectors,
    pendingSectors: health.pendingSectors,
    offlineUncorrectable: health.offlineUncorrectable,
    reportedUncorrectable: health.reportedUncorrectable,
    mediaErrors: health.mediaErrors,
  };
}

/** describeCounts says the non-zero counts ("8 reallocated sectors, 2 pending sectors"), or null. */
function describeCounts(health: DriveHealth): string | null {
  const parts = (Object.keys(COUNT_WORDS) as (keyof BadSectorCounts)[])
    .filter((key) => (health[key] ?? 0) > 0)
    .map((key) => `${health[key]} ${COUNT_WORDS[key]}`);
  return parts.length > 0 ? parts.join(', ') : null;
}

function ataCounts(json: Json): Omit<BadSectorCounts, 'mediaErrors'> | null {
  const table = record(json.ata_smart_attributes).table;
  if (!Array.isArray(table)) return null;
  const raw = (id: number) => {
    const row = table.find((entry) => record(entry).id === id);
    return row === undefined ? null : count(record(record(row).raw).value);
  };
  return {
    reallocatedSectors: raw(ATA_IDS.reallocatedSectors),
    reportedUncorrectable: raw(ATA_IDS.reportedUncorrectable),
    pendingSectors: raw(ATA_IDS.pendingSectors),
    offlineUncorrectable: raw(ATA_IDS.offlineUncorrectable),
  };
}

/** looksUnsupported: smartctl reached the adapter but no SMART came through it. */
function looksUnsupported(json: Json, bits: number): boolean {
  if (record(json.smart_support).available === false) return true;
  const said = messages(json).some((message) => NO_SMART_WORDS.test(message));
  const couldNotAsk = (bits & (SMART_EXIT_BITS.commandLine | SMART_EXIT_BITS.commandFailed)) !== 0;
  return said && couldNotAsk;
}

function messages(json: Json): string[] {
  const list = record(json.smartctl).messages;
  if (!Array.isArray(list)) return [];
  return list.map((entry) => text(record(entry).string)).filter((s): s is string => s !== null);
}

/** firstMessage is smartctl's own first message (system text), cut short, as a problem. */
function firstMessage(json: Json): string | null {
  const first = messages(json)[0];
  return first === undefined ? null : `smartctl says: ${first.slice(0, 160)}`;
}

function protocolOf(value: unknown): DriveHealth['protocol'] {
  const name = typeof value === 'string' ? value.toLowerCase() : '';
  return name === 'ata' || name === 'nvme' || name === 'scsi' ? name : null;
}

function parseObject(output: string): Json | null {
  try {
    const parsed: unknown = JSON.parse(output);
    return isRecord(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function record(value: unknown): Json {
  return isRecord(value) ? value : {};
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 100) : null;
}

function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}
