// The helper's `open` (ARCHITECTURE §7 step 1) and `check` (§15): wrong-passphrase budget, KDF
// memory check, KDF lock, then `cryptsetup open` (or `open --test-passphrase`, which maps nothing)
// with the passphrase bytes on stdin and its exit codes mapped.
import { CommandError } from '../adapters/run-command.ts';
import { PassphraseLimiter } from '../domain/passphrase-limit.ts';
import type { ReadText, RunCommand } from '../ports.ts';
import { HELPER_MESSAGES, type HelperAnswer, OK, refuse } from './answers.ts';
import type { HelperConfig } from './config.ts';
import type { AcquireKdfLock } from './kdf-lock.ts';
import { checkKdfMemory } from './kdf-memory.ts';
import type { LimitRecord, LimitStore } from './limit-store.ts';

const QUICK_COMMAND_MS = 30_000;

export interface OpenDriveDeps {
  runCommand: RunCommand;
  readText: ReadText;
  acquireKdfLock: AcquireKdfLock;
  limitStore: LimitStore;
}

/**
 * openDrive opens the LUKS drive with the passphrase bytes, which go only to cryptsetup's stdin.
 * It consumes the passphrase: the bytes are zeroed before it answers, on every path.
 */
export function openDrive(
  passphrase: Uint8Array,
  config: HelperConfig,
  deps: OpenDriveDeps,
): Promise<HelperAnswer> {
  return withPassphrase('open', passphrase, config, deps);
}

/**
 * checkPassphrase asks cryptsetup whether the passphrase opens the drive's LUKS header, mapping
 * nothing, so it works while the drive is open too. A wrong one counts like a wrong unlock. It
 * consumes the passphrase as openDrive does.
 */
export function checkPassphrase(
  passphrase: Uint8Array,
  config: HelperConfig,
  deps: OpenDriveDeps,
): Promise<HelperAnswer> {
  return withPassphrase('check', passphrase, config, deps);
}

/** withPassphrase runs `open` or `check` within the budget, memory check and KDF lock they share. */
async function withPassphrase(
  verb: 'open' | 'check',
  passphrase: Uint8Array,
  config: HelperConfig,
  deps: OpenDriveDeps,
): Promise<HelperAnswer> {
  try {
    const before = await checkLimit(config, deps, () => deps.limitStore.peek());
    if (before.refusal) return before.refusal;
    const memory = await checkKdfMemory(config, deps);
    if (memory) return memory;
    const lock = await deps.acquireKdfLock(config.stateDir);
    if (lock === null) return refuse('kdf-busy');
    try {
      // Read again under the lock: a helper that held it may have counted a failure meanwhile.
      const limit = await checkLimit(config, deps, () => deps.limitStore.load());
      if (limit.refusal) return limit.refusal;
      return await runCryptsetup(verb, passphrase, config, deps, limit.limiter);
    } finally {
      await lock.release();
    }
  } finally {
    passphrase.fill(0);
  }
}

async function runCryptsetup(
  verb: 'open' | 'check',
  passphrase: Uint8Array,
  config: HelperConfig,
  deps: OpenDriveDeps,
  limiter: PassphraseLimiter,
): Promise<HelperAnswer> {
  const { cryptsetup, device, mapperName } = config;
  const argv =
    verb === 'open'
      ? [cryptsetup, 'open', '--type', 'luks2', '--key-file=-', device, mapperName]
      : [cryptsetup, 'open', '--test-passphrase', '--type', 'luks2', '--key-file=-', device];
  try {
    await deps.runCommand(argv, {
      stdin: passphrase,
      timeoutMs: config.timeouts.kdfSeconds * 1000,
    });
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    if (error.timedOut) return refuse('timeout');
    switch (error.exitCode) {
      case 2: {
        const clock = await readClock(config, deps);
        limiter.recordFailure(clock.uptimeMs);
        await deps.limitStore.save({ bootId: clock.bootId, ...limiter.toJSON() });
        const after = limiter.check(clock.uptimeMs);
        const triesLeft = after.allowed ? after.triesLeft : 0;
        return {
          ok: false,
          code: 'wrong-passphrase',
          message: HELPER_MESSAGES['wrong-passphrase'],
          triesLeft,
        };
      }
      case 3:
        return refuse('insufficient-memory');
      case 4:
        return refuse('drive-missing');
      case 5:
        // Only a real open can find the mapping taken; a check maps nothing.
        return verb === 'open' ? verifyAlreadyOpen(config, deps) : refuse('command-failed');
      default:
        return refuse('command-failed', 'cryptsetup open failed');
    }
  }
  // With no failure counted there is nothing to forget: no durable write (an fsync) on the path.
  if (limiter.toJSON().failures.length === 0) return OK;
  const clock = await readClock(config, deps);
  limiter.recordSuccess();
  await deps.limitStore.save({ bootId: clock.bootId, ...limiter.toJSON() });
  return OK;
}

/**
 * readTries answers the `tries` verb: how long ago each wrong passphrase still counted was, oldest
 * first, so an agent that restarted shows the tries this helper will really allow. Read-only.
 */
export async function readTries(config: HelperConfig, deps: OpenDriveDeps): Promise<HelperAnswer> {
  const { limiter, uptimeMs } = await currentLimiter(config, deps, () => deps.limitStore.peek());
  limiter.check(uptimeMs); // forgets the failures that left the window
  return { ok: true, failureAgesMs: limiter.toJSON().failures.map((at) => uptimeMs - at) };
}

/** currentLimiter rebuilds this boot's limiter from the record (none from an earlier boot). */
async function currentLimiter(
  config: HelperConfig,
  deps: OpenDriveDeps,
  readRecord: () => Promise<LimitRecord | null>,
) {
  const clock = await readClock(config, deps);
  const record = await readRecord();
  // A new boot id means a reboot: uptime restarted, so old failure times mean nothing.
  const limiter =
    record && record.bootId === clock.bootId
      ? PassphraseLimiter.fromJSON(record)
      : new PassphraseLimiter();
  return { limiter, uptimeMs: clock.uptimeMs };
}

/** checkLimit loads this boot's record and refuses while the owner must wait. */
async function checkLimit(
  config: HelperConfig,
  deps: OpenDriveDeps,
  readRecord: () => Promise<LimitRecord | null>,
) {
  const { limiter, uptimeMs } = await currentLimiter(config, deps, readRecord);
  const check = limiter.check(uptimeMs);
  if (check.allowed) return { limiter, refusal: null };
  const retryAfterSeconds = Math.max(1, Math.ceil(check.retryAfterMs / 1000));
  const refusal: HelperAnswer = {
    ok: false,
    code: 'unlock-rate-limited',
    message: HELPER_MESSAGES['unlock-rate-limited'],
    retryAfterSeconds,
  };
  return { limiter, refusal };
}

/**
 * readClock reads the boot id and /proc/uptime: a clock that only moves forward within a boot and
 * is the same for every helper process, unlike the wall clock after a power cut without RTC.
 */
async function readClock(config: HelperConfig, deps: OpenDriveDeps) {
  const [bootId, uptime] = await Promise.all([
    deps.readText(config.bootId),
    deps.readText(config.uptime),
  ]);
  const seconds = /^\d+(\.\d+)?/.exec(uptime ?? '')?.[0];
  if (!bootId?.trim() || seconds === undefined) throw new Error('cannot read boot id or uptime');
  return { bootId: bootId.trim(), uptimeMs: Math.round(Number(seconds) * 1000) };
}

/** verifyAlreadyOpen trusts "already open" only when the mapping still has its backing device. */
async function verifyAlreadyOpen(config: HelperConfig, deps: OpenDriveDeps): Promise<HelperAnswer> {
  let status: string;
  try {
    status = (
      await deps.runCommand([config.cryptsetup, 'status', config.mapperName], {
        timeoutMs: QUICK_COMMAND_MS,
      })
    ).stdout;
  } catch {
    return refuse('command-failed', 'cryptsetup status failed');
  }
  const active = /\bis active\b/.test(status);
  const hasDevice = /^\s*device:\s+\//m.test(status);
  if (active && hasDevice) return { ok: true, alreadyOpen: true };
  // After a USB drop the mapping stays without its disk: lock, replug, unlock.
  return refuse('drive-missing', 'the drive mapping is open but its disk is gone');
}
