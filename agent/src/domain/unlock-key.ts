// The per-start X25519 key phones seal the passphrase to, and the opening of what they sealed (§4).
import nacl from 'tweetnacl';
import {
  MAX_PASSPHRASE_BYTES,
  type UnlockKeyResponse,
  type UnlockRequest,
} from '../../../shared/api.ts';
import { fromBase64url, toBase64url } from '../../../shared/protocol/index.ts';
import { unlockKeyMessage } from '../../../shared/protocol/unlock-key.ts';
import { ApiError } from '../errors.ts';

/** nacl.box adds a 16-byte Poly1305 tag to the sealed bytes. */
export const BOX_OVERHEAD_BYTES = nacl.box.overheadLength;

export interface UnlockKeyOptions {
  /** The kernel's boot id: the signature binds the key to this boot. */
  bootId: string;
  /** Ed25519 signature by the agent's identity key (the key phones pinned at pairing). */
  signWithIdentity: (bytes: Uint8Array) => Uint8Array;
  randomBytes: (n: number) => Uint8Array;
}

export interface UnlockKey {
  readonly keyId: string;
  /** response is the signed answer of GET /api/v1/unlock/key. */
  response(): UnlockKeyResponse;
  /**
   * openSealedPassphrase opens a sealed passphrase and answers its raw bytes, which the caller
   * owns and must zero. Throws unlock-key-stale, sealed-box-invalid or passphrase-length.
   */
  openSealedPassphrase(request: UnlockRequest): Uint8Array;
}

/**
 * createUnlockKey makes the X25519 key pair in memory (it is never written anywhere: a restart
 * makes a new one and phones re-seal after `unlock-key-stale`), names it with 16 random bytes and
 * signs it with the identity key over unlockKeyMessage.
 */
export function createUnlockKey(options: UnlockKeyOptions): UnlockKey {
  const seed = options.randomBytes(nacl.box.secretKeyLength);
  const pair = nacl.box.keyPair.fromSecretKey(seed); // copies the seed
  seed.fill(0);
  const keyIdBytes = options.randomBytes(16);
  const keyId = toBase64url(keyIdBytes);
  const signature = options.signWithIdentity(
    unlockKeyMessage(options.bootId, keyId, pair.publicKey),
  );
  const answer: UnlockKeyResponse = {
    keyId,
    publicKey: toBase64url(pair.publicKey),
    bootId: options.bootId,
    signature: toBase64url(signature),
  };

  return {
    keyId,
    response: () => ({ ...answer }),
    openSealedPassphrase(request) {
      if (request.keyId !== keyId) {
        throw new ApiError(
          'unlock-key-stale',
          'The passphrase was sealed to an old key: fetch the key again.',
        );
      }
      const clientKey = fromBase64url(request.clientPublicKey);
      const nonce = fromBase64url(request.nonce);
      const box = fromBase64url(request.box);
      if (clientKey?.length !== 32 || nonce?.length !== 24 || !box || box.length < 16) {
        throw sealedBoxInvalid();
      }
      // The plaintext length is the box length less the tag: refuse before any work on it.
      checkPassphraseLength(box.length - BOX_OVERHEAD_BYTES);
      // box.before and secretbox.open are nacl.box.open in two steps, so that the shared key and
      // the opened buffer are ours to zero (tweetnacl's own temporaries are out of reach).
      const shared = nacl.box.before(clientKey, pair.secretKey);
      let opened: Uint8Array | null = null;
      try {
        opened = nacl.secretbox.open(box, nonce, shared);
        if (opened === null) throw sealedBoxInvalid();
        return opened.slice();
      } finally {
        shared.fill(0);
        // opened is a view past 32 zero bytes of tweetnacl's buffer: zero all of it.
        if (opened) new Uint8Array(opened.buffer).fill(0);
      }
    },
  };
}

/** checkPassphraseLength refuses a passphrase of 0 or more than MAX_PASSPHRASE_BYTES bytes. */
export function checkPassphraseLength(bytes: number): void {
  if (bytes < 1 || bytes > MAX_PASSPHRASE_BYTES) throw passphraseLengthError();
}

/** passphraseLengthError is the 400 for a passphrase of the wrong size. */
export function passphraseLengthError(): ApiError {
  return new ApiError(
    'passphrase-length',
    `The passphrase must be 1 to ${MAX_PASSPHRASE_BYTES} bytes long.`,
  );
}

function sealedBoxInvalid(): ApiError {
  return new ApiError('sealed-box-invalid', 'The sealed passphrase could not be opened.');
}
