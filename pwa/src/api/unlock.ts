// The unlock and lock calls of api.ts: the sealed passphrase (ARCHITECTURE §4) and operations (§7).

import { ROUTES } from '../../../shared/api.ts';
import {
  type Operation,
  OperationResponse,
  OperationStarted,
  UnlockCheckResponse,
  UnlockKeyResponse,
  UnlockRequest,
} from '../../../shared/unlock.ts';
import type { UnlockKey } from '../seal.ts';
import { ApiError, checked, type Schema, UnlockKeySignatureError } from './errors.ts';
import type { Signed } from './signed.ts';

// Sealing needs tweetnacl: loaded on first use, so the first screen stays within budget (§12).
const loadSealing = () => import('../seal.ts');

/**
 * unlockCalls builds the unlock, lock and operation calls on top of the signed request,
 * the pinned agent key, and `stop`, which makes every later call fail like a changed agent key.
 */
export function unlockCalls(from: {
  signed: Signed;
  pinnedAgentKey: () => Uint8Array | null;
  stop: () => void;
}) {
  const { signed } = from;

  /** unlockKey fetches the agent's unlock key and checks it was signed by the pinned agent key. */
  async function unlockKey(): Promise<UnlockKey> {
    const answer = await signed('GET', ROUTES.unlockKey, UnlockKeyResponse);
    const { verifyUnlockKey } = await loadSealing();
    const pinned = from.pinnedAgentKey();
    const key = pinned && (await verifyUnlockKey(answer, pinned));
    if (!key) {
      from.stop();
      throw new UnlockKeySignatureError();
    }
    return key;
  }

  /**
   * sealedPost seals the passphrase's UTF-8 bytes to the agent's unlock key and posts them to
   * `path`. When the agent restarted in between (`unlock-key-stale`) it fetches the new key and
   * seals once more. A string is refused at 0 or too many bytes before anything is sent, and its
   * bytes are zeroed here; bytes (quick unlock's decrypted copy) stay the caller's to zero.
   */
  async function sealedPost<T>(
    path: string,
    schema: Schema<T>,
    passphrase: string | Uint8Array,
  ): Promise<T> {
    const { passphraseBytes, sealPassphrase } = await loadSealing();
    const bytes = typeof passphrase === 'string' ? passphraseBytes(passphrase) : passphrase;
    try {
      for (let attempt = 1; ; attempt++) {
        const key = await unlockKey();
        const body = checked(UnlockRequest, {
          keyId: key.keyId,
          ...sealPassphrase(bytes, key.publicKey),
        });
        try {
          return await signed('POST', path, schema, '', body);
        } catch (error) {
          const stale = error instanceof ApiError && error.code === 'unlock-key-stale';
          if (!(stale && attempt === 1)) throw error;
        }
      }
    } finally {
      if (typeof passphrase === 'string') bytes.fill(0);
    }
  }

  return {
    unlockKey,
    /** unlock starts opening the drive with the sealed passphrase; follow it with `operation`. */
    unlock: (passphrase: string | Uint8Array): Promise<OperationStarted> =>
      sealedPost(ROUTES.unlock, OperationStarted, passphrase),
    /**
     * checkPassphrase asks the agent whether the passphrase opens the drive, sealed like an
     * unlock and counted against the same tries, without opening anything (quick unlock, §15).
     */
    checkPassphrase: (passphrase: string | Uint8Array): Promise<UnlockCheckResponse> =>
      sealedPost(ROUTES.unlockCheck, UnlockCheckResponse, passphrase),
    /** lock starts stopping Immich and closing the drive; follow it with `operation`. */
    lock: (): Promise<OperationStarted> => signed('POST', ROUTES.lock, OperationStarted),
    /** operation answers an unlock or lock as it stands now. */
    operation: async (id: string): Promise<Operation> =>
      (await signed('GET', ROUTES.operation(id), OperationResponse)).operation,
  };
}
