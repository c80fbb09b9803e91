// Quick unlock (ARCHITECTURE §15): turning it on and off on this phone, and an unlock with the
// stored copy. Only the PWA knows of it: the agent sees the same sealed box as a typed unlock.
import type { OperationStarted } from '../../../shared/unlock.ts';
import type { Api } from '../api/index.ts';
import { dbDelete, dbGet, dbSet } from '../db.ts';
import { describeError } from '../errors.ts';
import type { PairedDevice } from '../keys.ts';
import { passphraseBytes } from '../seal.ts';
import {
  type Bytes,
  deriveEnvelopeKey,
  openEnvelope,
  SECRET_BYTES,
  sealEnvelope,
} from './envelope.ts';
import {
  createPasskey,
  evaluatePrf,
  forgetPasskey,
  PasskeyError,
  type PrfSupport,
  prfSupport,
} from './passkey.ts';

const COPY = 'quick-unlock';
/** Remembered once a passkey here turned out to have no PRF: the switch stays hidden. */
const NO_PRF = 'quick-unlock-no-prf';

/** StoredCopy is all IndexedDB keeps: the passkey's id, its PRF salt, and the sealed passphrase. */
export interface StoredCopy {
  credentialId: Uint8Array;
  salt: Uint8Array;
  iv: Uint8Array;
  ciphertext: Uint8Array;
  createdAt: number;
}

/** QuickUnlockError is a quick-unlock step that failed, in words; the typed passphrase still works. */
export class QuickUnlockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuickUnlockError';
  }
}

/** NotThePassphraseError: the agent's check said no, so nothing was stored. */
export class NotThePassphraseError extends QuickUnlockError {
  constructor(readonly triesLeft: number) {
    super(
      `That is not the drive’s passphrase, so nothing was stored. ${triesLeft} ${triesLeft === 1 ? 'try' : 'tries'} left before a wait.`,
    );
    this.name = 'NotThePassphraseError';
  }
}

/** quickUnlockWords says a failure in words: a quick-unlock step's own, or the agent's error's. */
export function quickUnlockWords(error: unknown): string {
  return error instanceof QuickUnlockError || error instanceof PasskeyError
    ? error.message
    : describeError(error);
}

/** storedCopy answers this phone's stored copy, or null when quick unlock is off. */
export async function storedCopy(): Promise<StoredCopy | null> {
  return (await dbGet<StoredCopy>(COPY)) ?? null;
}

/** quickUnlockSupport is prfSupport, or the reason remembered from a passkey without PRF. */
export async function quickUnlockSupport(): Promise<PrfSupport> {
  const support = await prfSupport();
  if (!support.ok) return support;
  const remembered = await dbGet<string>(NO_PRF);
  return remembered ? { ok: false, why: remembered } : support;
}

/** prfKey derives the envelope key from one PRF evaluation and zeroes the secret at once. */
async function prfKey(copy: Pick<StoredCopy, 'credentialId' | 'salt'>, agentKey: Uint8Array) {
  const secret = await evaluatePrf(copy.credentialId, copy.salt);
  try {
    return await deriveEnvelopeKey(secret, copy.salt, agentKey);
  } finally {
    secret.fill(0);
  }
}

/**
 * turnOnQuickUnlock checks the typed passphrase with the agent (a real check, counted like a
 * wrong unlock), and only when it matches makes a passkey, evaluates its PRF and stores the
 * passphrase sealed under the derived key. The passphrase bytes are zeroed however it ends.
 */
export async function turnOnQuickUnlock(
  api: Api,
  device: PairedDevice,
  passphrase: string,
  now: () => number = Date.now,
): Promise<void> {
  const bytes = passphraseBytes(passphrase) as Bytes;
  try {
    const check = await api.checkPassphrase(bytes);
    if (!check.matches) throw new NotThePassphraseError(check.triesLeft);
    const salt = crypto.getRandomValues(new Uint8Array(SECRET_BYTES));
    const user = { name: device.agentName, displayName: `${device.agentName} drive` };
    const credentialId = await createPasskey(user, salt).catch(async (error) => {
      if (error instanceof PasskeyError && error.reason === 'no-prf')
        await dbSet(NO_PRF, error.message);
      throw error;
    });
    const key = await prfKey({ credentialId, salt }, device.agentKey);
    const envelope = await sealEnvelope(key, bytes, credentialId);
    await dbSet(COPY, { credentialId, salt, ...envelope, createdAt: now() } satisfies StoredCopy);
  } finally {
    bytes.fill(0);
  }
}

/** turnOffQuickUnlock deletes the stored copy and tells the authenticator its passkey is unused. */
export async function turnOffQuickUnlock(): Promise<void> {
  const copy = await storedCopy();
  await dbDelete(COPY);
  if (copy) await forgetPasskey(copy.credentialId);
}

/**
 * unlockWithPasskey starts an unlock with the stored copy: the biometric prompt, the PRF secret,
 * the derived key, the decrypted bytes sealed to the agent exactly as a typed passphrase is, and
 * every buffer zeroed. A failure before the unlock request is a QuickUnlockError; a copy that
 * no longer decrypts is removed. The agent's own refusals come back as ApiErrors.
 */
export async function unlockWithPasskey(api: Api, device: PairedDevice): Promise<OperationStarted> {
  const copy = await storedCopy();
  if (!copy)
    throw new QuickUnlockError(
      'This phone no longer has the stored passphrase (the browser may have cleared the app’s data). Type it below.',
    );
  let key: CryptoKey;
  try {
    key = await prfKey(copy, device.agentKey);
  } catch (error) {
    throw new QuickUnlockError(`${(error as Error).message} Type the passphrase instead.`);
  }
  const bytes = await openEnvelope(key, copy, copy.credentialId).catch(async () => {
    await turnOffQuickUnlock();
    throw new QuickUnlockError(
      'The stored passphrase could not be decrypted, so it was removed. Type it below, then turn Face ID unlock on again in Settings.',
    );
  });
  try {
    return await api.unlock(bytes);
  } finally {
    bytes.fill(0);
  }
}
