// The helper's config (ARCHITECTURE §8): every program and file it touches, by absolute path, the
// only units it may start or stop, and those of them whose CPU it may cap (§16). The NixOS module
// writes it; the sandbox Pi writes one too.
import { readFile } from 'node:fs/promises';
import * as v from 'valibot';
import {
  AbsolutePath,
  DEFAULT_BACKUP_UNIT,
  DEFAULT_CAP_UNITS,
  DEFAULT_UNITS,
  StepSeconds as Seconds,
  UnitName,
} from '../config-primitives.ts';
import { firstIssue } from '../parse-json.ts';

const HelperConfigFields = v.strictObject({
  cryptsetup: AbsolutePath,
  systemctl: AbsolutePath,
  journalctl: AbsolutePath,
  /** The LUKS device by UUID: /dev/disk/by-uuid/<uuid>, so a re-plugged drive is found again. */
  device: AbsolutePath,
  mapperName: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,64}$/)), 'immich_drive'),
  /** The drive's mount unit (domain/mount-unit.ts names it from the mount point). */
  mountUnit: v.pipe(UnitName, v.endsWith('.mount', 'must be a .mount unit')),
  /** Services started after the mount, in order; the agent decides the order, the helper the set. */
  units: v.optional(v.array(UnitName), () => [...DEFAULT_UNITS]),
  backupUnit: v.optional(UnitName, DEFAULT_BACKUP_UNIT),
  /** The restore drill's unit (ARCHITECTURE §17): `start-drill` starts it without waiting. */
  verifyUnit: v.optional(UnitName, 'immich-pi-verify-backup.service'),
  /** smartmontools' smartctl, for `drive-health`. */
  smartctl: v.optional(AbsolutePath, '/run/current-system/sw/bin/smartctl'),
  /** Immich's database dumps on the drive, for `list-dumps`. */
  dumpsDir: v.optional(AbsolutePath, '/mnt/immich_drive/immich_data/backups'),
  /** Where sysfs and /dev are: the disk behind `device` is found through them (the sandbox moves them). */
  sysRoot: v.optional(AbsolutePath, '/sys'),
  devRoot: v.optional(AbsolutePath, '/dev'),
  /**
   * The units of `units` whose CPU `set-cpu-quota` may cap (the thermal guard's, without an Immich
   * key). Unset: Immich's server and machine learning, those of them that `units` names.
   */
  capUnits: v.optional(v.array(UnitName)),
  /** The wrong-passphrase record and the KDF lock: 0700, the helper's uid only (kdf-lock.ts). */
  stateDir: AbsolutePath,
  meminfo: v.optional(AbsolutePath, '/proc/meminfo'),
  uptime: v.optional(AbsolutePath, '/proc/uptime'),
  bootId: v.optional(AbsolutePath, '/proc/sys/kernel/random/boot_id'),
  timeouts: v.optional(
    v.strictObject({
      kdfSeconds: v.optional(Seconds, 120),
      mountSeconds: v.optional(Seconds, 300),
      unitSeconds: v.optional(Seconds, 120),
    }),
    {},
  ),
});

export const HelperConfigSchema = v.pipe(
  HelperConfigFields,
  v.transform(({ capUnits, ...config }) => ({
    ...config,
    capUnits: capUnits ?? DEFAULT_CAP_UNITS.filter((unit) => config.units.includes(unit)),
  })),
  // A cap is for a service the helper already runs: never the mount, never a foreign unit.
  v.forward(
    v.check(
      (config) => config.capUnits.every((unit) => config.units.includes(unit)),
      'must name only units of units',
    ),
    ['capUnits'],
  ),
);

export type HelperConfig = v.InferOutput<typeof HelperConfigSchema>;

/** HelperConfigError names what is wrong with the config; immich-pi-helper prints it as one line. */
export class HelperConfigError extends Error {
  override name = 'HelperConfigError';
}

/** parseHelperConfig validates raw config and names the first bad field in its error. */
export function parseHelperConfig(raw: unknown): HelperConfig {
  const result = v.safeParse(HelperConfigSchema, raw);
  if (result.success) return result.output;
  const { where, message } = firstIssue(result.issues);
  throw new HelperConfigError(`helper config ${where ?? '(root)'}: ${message}`);
}

/** loadHelperConfig reads and parses the helper's JSON config file. */
export async function loadHelperConfig(file: string): Promise<HelperConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new HelperConfigError(`cannot read helper config ${file}: ${(error as Error).message}`);
  }
  try {
    return parseHelperConfig(JSON.parse(text));
  } catch (error) {
    if (error instanceof HelperConfigError) throw error;
    throw new HelperConfigError(`helper config ${file} is not JSON: ${(error as Error).message}`);
  }
}

/**
 * allowedUnits is every unit the helper may start or stop. The verify unit is among them: a lock
 * stops a running drill first (`stop <verifyUnit>`).
 */
export function allowedUnits(config: HelperConfig): ReadonlySet<string> {
  return new Set([config.mountUnit, ...config.units, config.backupUnit, config.verifyUnit]);
}

/** cappableUnits is every unit whose CPU the helper may cap: a subset of allowedUnits. */
export function cappableUnits(config: HelperConfig): ReadonlySet<string> {
  return new Set(config.capUnits);
}
