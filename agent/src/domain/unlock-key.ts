// The per-start X25519 key phones seal the passphrase to, and the opening of what they sealed (§4).
import { createPrivateKey, createPublicKey } from 'node:crypto';
import nacl from 'tweetnacl';
import { fromBase64url, toBase64url } from '../../../shared/protocol/index.ts';
import { unlockKeyMessage } from '../../../shared/protocol/unlock-key.ts';
import {
  MAX_PASSPHRASE_BYTES,
  type UnlockKeyResponse,
  type UnlockRequest,
} from '../../../shared/unlock.ts';
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

// PKCS#8 for a raw X25519 private key (RFC 8410): this prefix, then the 32 key bytes.
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

/**
 * x25519PublicKey derives the public key with node:crypto. tweetnacl's pure-JS scalar multiply
 * gives the same key but allocates ~30 MB of short-lived arrays, which grew the idle agent's RSS
 * by ~10 MB; it still opens the boxes (once per unlock).
 */
function x25519PublicKey(secret: Uint8Array): Uint8Array {
  const der = Buffer.concat([X25519_PKCS8_PREFIX, secret]);
  try {
    const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    return new Uint8Array(
      Buffer.from(createPublicKey(key).export({ format: 'jwk' }).x ?? '', 'base64url'),
    );
  } finally {
    der.fill(0);
  }
}

/**
 * createUnlockKey makes the X25519 key pair in memory (it is never written anywhere: a restart
 * makes a new one and phones re-seal after `unlock-key-stale`), names it with 16 random bytes and
 * signs it with the identity key over unlockKeyMessage.
 */
export function createUnlockKey(options: UnlockKeyOptions): UnlockKey {
  const seed = options.randomBytes(nacl.box.secretKeyLength);
  const pair = { publicKey: x25519PublicKey(seed), secretKey: new Uint8Array(seed) };
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
