// The unlock and lock calls of api.ts: the sealed passphrase (ARCHITECTURE §4) and operations (§7).

import { ROUTES } from '../../../shared/api.ts';
import {
  type Operation,
  OperationResponse,
  OperationStarted,
  UnlockKeyResponse,
  UnlockRequest,
} from '../../../shared/unlock.ts';
import type { UnlockKey } from '../seal.ts';
import { ApiError, checked, UnlockKeySignatureError } from './errors.ts';
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
   * unlock seals the passphrase's UTF-8 bytes to the agent's unlock key and starts the unlock.
   * When the agent restarted in between (`unlock-key-stale`) it fetches the new key and seals
   * once more. Refuses 0 or too many bytes before anything is sent.
   */
  async function unlock(passphrase: string): Promise<OperationStarted> {
    const { passphraseBytes, sealPassphrase } = await loadSealing();
    const bytes = passphraseBytes(passphrase);
    try {
      for (let attempt = 1; ; attempt++) {
        const key = await unlockKey();
        const body = checked(UnlockRequest, {
          keyId: key.keyId,
          ...sealPassphrase(bytes, key.publicKey),
        });
        try {
          return await signed('POST', ROUTES.unlock, OperationStarted, '', body);
        } catch (error) {
          const stale = error instanceof ApiError && error.code === 'unlock-key-stale';
          if (!(stale && attempt === 1)) throw error;
        }
      }
    } finally {
      bytes.fill(0);
    }
  }

  return {
    unlockKey,
    unlock,
    /** lock starts stopping Immich and closing the drive; follow it with `operation`. */
    lock: (): Promise<OperationStarted> => signed('POST', ROUTES.lock, OperationStarted),
    /** operation answers an unlock or lock as it stands now. */
    operation: async (id: string): Promise<Operation> =>
      (await signed('GET', ROUTES.operation(id), OperationResponse)).operation,
  };
}
