// Sealing the passphrase for the agent (ARCHITECTURE §4); loaded lazily, since tweetnacl is ~10 KB.
import nacl from 'tweetnacl';
import { fromBase64url, toBase64url } from '../../shared/protocol/index.ts';
import { unlockKeyMessage } from '../../shared/protocol/unlock-key.ts';
import { MAX_PASSPHRASE_BYTES } from '../../shared/unlock.ts';
import { PassphraseLengthError } from './api/errors.ts';

/** UnlockKey is the agent's per-start X25519 key once its signature has been checked. */
export interface UnlockKey {
  keyId: string;
  bootId: string;
  /** Raw 32-byte X25519 public key. */
  publicKey: Uint8Array;
}

/** SealedPassphrase is the body of POST /api/v1/unlock, less the key id. */
export interface SealedPassphrase {
  clientPublicKey: string;
  nonce: string;
  box: string;
}

/**
 * verifyUnlockKey checks the agent's signature over its unlock key with the key pinned at
 * pairing (WebCrypto Ed25519), and answers the key, or null when the signature is not the
 * pinned agent's.
 */
export async function verifyUnlockKey(
  answer: { keyId: string; bootId: string; publicKey: string; signature: string },
  pinnedAgentKey: Uint8Array,
): Promise<UnlockKey | null> {
  const publicKey = fromBase64url(answer.publicKey);
  const signature = fromBase64url(answer.signature);
  if (publicKey?.length !== 32 || signature?.length !== 64) return null;
  const agentKey = await crypto.subtle.importKey(
    'raw',
    new Uint8Array(pinnedAgentKey),
    'Ed25519',
    false,
    ['verify'],
  );
  const message = unlockKeyMessage(answer.bootId, answer.keyId, publicKey);
  const valid = await crypto.subtle.verify('Ed25519', agentKey, new Uint8Array(signature), message);
  return valid ? { keyId: answer.keyId, bootId: answer.bootId, publicKey } : null;
}

/**
 * passphraseBytes encodes the passphrase as the raw UTF-8 bytes cryptsetup will be given (no
 * normalisation: LUKS compares bytes), refusing 0 or more than MAX_PASSPHRASE_BYTES bytes
 * before anything is sent. The caller zeroes the answer after use.
 */
export function passphraseBytes(passphrase: string): Uint8Array {
  if (passphrase.length === 0) throw new PassphraseLengthError(0);
  // Every UTF-16 unit encodes to at least one byte: refuse a huge paste before encoding it.
  if (passphrase.length > MAX_PASSPHRASE_BYTES) throw new PassphraseLengthError(passphrase.length);
  const bytes = new TextEncoder().encode(passphrase);
  if (bytes.length > MAX_PASSPHRASE_BYTES) {
    bytes.fill(0);
    throw new PassphraseLengthError(bytes.length);
  }
  return bytes;
}

// tweetnacl's low-level box: its high-level nacl.box copies the message into a buffer it never
// zeroes, so we pad the message ourselves and zero every copy (best effort in JS, §7).
interface LowLevel {
  crypto_box_beforenm(k: Uint8Array, publicKey: Uint8Array, secretKey: Uint8Array): number;
  crypto_box_afternm(c: Uint8Array, m: Uint8Array, d: number, n: Uint8Array, k: Uint8Array): number;
}
const lowlevel = (nacl as unknown as { lowlevel: LowLevel }).lowlevel;
const ZERO_BYTES = 32; // crypto_box_ZEROBYTES: zeros in front of the message
const BOX_ZERO_BYTES = 16; // crypto_box_BOXZEROBYTES: zeros in front of the result

/**
 * sealPassphrase seals the bytes to the agent's unlock key with nacl.box from a fresh client key
 * pair and a random 24-byte nonce; the result opens with nacl.box.open. The client secret, the
 * shared key and the padded copy are zeroed before it returns; `bytes` stays the caller's.
 */
export function sealPassphrase(
  bytes: Uint8Array,
  agentPublicKey: Uint8Array,
  randomBytes: (length: number) => Uint8Array = nacl.randomBytes,
): SealedPassphrase {
  if (agentPublicKey.length !== nacl.box.publicKeyLength) throw new RangeError('not an X25519 key');
  const client = nacl.box.keyPair();
  const nonce = randomBytes(nacl.box.nonceLength);
  const shared = new Uint8Array(nacl.box.sharedKeyLength);
  const padded = new Uint8Array(ZERO_BYTES + bytes.length);
  const sealed = new Uint8Array(padded.length);
  try {
    lowlevel.crypto_box_beforenm(shared, agentPublicKey, client.secretKey);
    padded.set(bytes, ZERO_BYTES);
    lowlevel.crypto_box_afternm(sealed, padded, padded.length, nonce, shared);
    return {
      clientPublicKey: toBase64url(client.publicKey),
      nonce: toBase64url(nonce),
      box: toBase64url(sealed.subarray(BOX_ZERO_BYTES)),
    };
  } finally {
    client.secretKey.fill(0);
    shared.fill(0);
    padded.fill(0);
  }
}
