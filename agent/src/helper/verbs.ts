// The helper's verbs (ARCHITECTURE §8): each runs fixed argv with absolute paths from its config,
// and a unit outside the config's lists is refused before anything runs.
import { journalTail } from '../adapters/journal.ts';
import { CommandError } from '../adapters/run-command.ts';
import {
  HELPER_MESSAGES,
  type HelperAnswer,
  MAX_LOG_LINE_CHARS,
  MAX_LOG_LINES,
  OK,
  refuse,
} from './answers.ts';
import { allowedUnits, cappableUnits, type HelperConfig } from './config.ts';
import { checkPassphrase, type OpenDriveDeps, openDrive, readTries } from './open-drive.ts';
import { type HelperRequest, isCpuQuota } from './protocol.ts';
import { driveHealth, listDumps, type RecoveryVerbDeps } from './recovery-verbs.ts';

/**
 * HelperDeps are the helper's ports: commands, file reads, the KDF lock, the failure record, and
 * the looks at /dev, sysfs and the dumps directory of the recovery verbs.
 */
export type HelperDeps = OpenDriveDeps & RecoveryVerbDeps;

const QUICK_COMMAND_MS = 30_000;
const JOURNAL_MS = 10_000;

/**
 * runVerb carries out one parsed request and answers it. An `open` or `check` passphrase is zeroed before
 * runVerb answers. Only unexpected failures (not a command's exit code) throw.
 */
export async function runVerb(
  request: HelperRequest,
  config: HelperConfig,
  deps: HelperDeps,
): Promise<HelperAnswer> {
  switch (request.verb) {
    case 'open':
      return openDrive(request.passphrase, config, deps);
    case 'check':
      return checkPassphrase(request.passphrase, config, deps);
    case 'close':
      return closeDrive(config, deps);
    case 'start':
    case 'stop':
      if (!allowedUnits(config).has(request.unit)) return refuse('unit-not-allowed');
      return runUnit(request.verb, request.unit, config, deps);
    case 'start-backup':
      return runUnit('start', config.backupUnit, config, deps, ['--no-block']);
    case 'tries':
      return readTries(config, deps);
    case 'start-drill':
      return runUnit('start', config.verifyUnit, config, deps, ['--no-block']);
    case 'drive-health':
      return driveHealth(config, deps);
    case 'list-dumps':
      return listDumps(config, deps);
    case 'set-cpu-quota':
      // parseFrame took only such percents; checked again as it goes into an argv as root.
      if (!isCpuQuota(request.percent)) return refuse('bad-frame');
      if (!cappableUnits(config).has(request.unit)) return refuse('unit-not-allowed');
      return setCpuQuota(request.unit, request.percent, config, deps);
  }
}

/**
 * setCpuQuota caps a unit's CPU, or lifts the cap (null: systemd's empty `CPUQuota=`). Only
 * `--runtime`: the cap lives under /run and is gone at the next boot, so a guard that is never
 * told the Pi cooled cannot leave Immich slowed for good.
 */
async function setCpuQuota(
  unit: string,
  percent: number | null,
  config: HelperConfig,
  deps: HelperDeps,
): Promise<HelperAnswer> {
  const quota = percent === null ? 'CPUQuota=' : `CPUQuota=${percent}%`;
  try {
    await deps.runCommand([config.systemctl, 'set-property', '--runtime', unit, quota], {
      timeoutMs: QUICK_COMMAND_MS,
    });
    return OK;
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    if (error.timedOut) return refuse('timeout');
    return refuse('command-failed', 'systemctl set-property failed');
  }
}

/** closeDrive closes the mapping; one that is not open is already what was asked for. */
async function closeDrive(config: HelperConfig, deps: HelperDeps): Promise<HelperAnswer> {
  try {
    await deps.runCommand([config.cryptsetup, 'close', config.mapperName], {
      timeoutMs: QUICK_COMMAND_MS,
    });
    return OK;
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    if (error.timedOut) return refuse('timeout');
    // cryptsetup: 4 = "Device ... is not active", 5 = busy (still mounted).
    if (error.exitCode === 4) return OK;
    if (error.exitCode === 5) return refuse('command-failed', 'the drive is still in use');
    return refuse('command-failed', 'cryptsetup close failed');
  }
}

/** runUnit starts or stops one unit; a failure answers the unit's last journal lines. */
async function runUnit(
  verb: 'start' | 'stop',
  unit: string,
  config: HelperConfig,
  deps: HelperDeps,
  flags: string[] = [],
): Promise<HelperAnswer> {
  const seconds =
    unit === config.mountUnit ? config.timeouts.mountSeconds : config.timeouts.unitSeconds;
  try {
    await deps.runCommand([config.systemctl, verb, ...flags, unit], { timeoutMs: seconds * 1000 });
    return OK;
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    if (error.timedOut) return refuse('timeout');
    const message = verb === 'start' ? HELPER_MESSAGES['unit-failed'] : 'the unit failed to stop';
    return {
      ok: false,
      code: 'unit-failed',
      message,
      logLines: await unitJournal(unit, config, deps),
    };
  }
}

/** unitJournal reads a unit's last journal lines; none when journalctl itself fails. */
async function unitJournal(
  unit: string,
  config: HelperConfig,
  deps: HelperDeps,
): Promise<string[]> {
  const argv = [
    config.journalctl,
    '-u',
    unit,
    '-n',
    String(MAX_LOG_LINES),
    '--no-pager',
    '-o',
    'cat',
  ];
  try {
    return await journalTail(deps.runCommand, argv, {
      lines: MAX_LOG_LINES,
      lineChars: MAX_LOG_LINE_CHARS,
      timeoutMs: JOURNAL_MS,
    });
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    return [];
  }
}
