// The bytes the agent signs over its per-start unlock key, so the PWA verifies exactly what was signed (§4).
import { UNLOCK_KEY_CONTEXT } from '../unlock.ts';
import { concatBytes, utf8Encode } from './bytes.ts';

/**
 * unlockKeyMessage builds utf8(UNLOCK_KEY_CONTEXT) ‖ utf8(bootId) ‖ utf8(keyId) ‖ publicKey: the
 * message the agent's Ed25519 identity key signs in GET /api/v1/unlock/key. The signature binds the
 * X25519 key to this boot, so a key served before a reboot cannot be replayed as today's.
 */
export function unlockKeyMessage(
  bootId: string,
  keyId: string,
  publicKey: Uint8Array,
): Uint8Array<ArrayBuffer> {
  if (publicKey.length !== 32) throw new RangeError('an unlock key is 32 bytes');
  return concatBytes(
    utf8Encode(UNLOCK_KEY_CONTEXT),
    utf8Encode(bootId),
    utf8Encode(keyId),
    publicKey,
  );
}
