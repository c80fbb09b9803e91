// Quick unlock's envelope (ARCHITECTURE §15): the passkey's PRF secret, through HKDF bound to the
// agent's identity key, becomes a non-extractable AES-GCM key that seals the passphrase bytes.
import { utf8Encode } from '../../../shared/protocol/index.ts';

/** The HKDF info's fixed start; the pinned agent key (raw 32 bytes) follows it. */
export const QUICK_UNLOCK_INFO = 'immich-pi/quick-unlock/v1';
/** PRF secrets, PRF salts and HKDF salts are 32 bytes (WebAuthn PRF, RFC 5869). */
export const SECRET_BYTES = 32;
const IV_BYTES = 12;

/** Bytes in their own ArrayBuffer, handed to WebCrypto as they are: no copy left unzeroed. */
export type Bytes = Uint8Array<ArrayBuffer>;

/** Envelope is what IndexedDB keeps of the passphrase: useless without the passkey and the agent key. */
export interface Envelope {
  iv: Uint8Array;
  ciphertext: Uint8Array;
}

/**
 * deriveEnvelopeKey turns one PRF output into the AES-GCM key for this enrolment: HKDF-SHA-256
 * with the PRF salt as HKDF salt, and info = QUICK_UNLOCK_INFO ‖ agentKey, so a copy made for
 * one Pi can never be opened as another's. The key cannot be exported; `secret` stays the
 * caller's to zero.
 */
export async function deriveEnvelopeKey(
  secret: Bytes,
  salt: Uint8Array,
  agentKey: Uint8Array,
): Promise<CryptoKey> {
  if (secret.length !== SECRET_BYTES || salt.length !== SECRET_BYTES)
    throw new RangeError('PRF secret and salt are 32 bytes');
  const info = new Uint8Array([...utf8Encode(QUICK_UNLOCK_INFO), ...agentKey]);
  const material = await crypto.subtle.importKey('raw', secret, 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(salt), info },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/**
 * sealEnvelope encrypts the passphrase bytes with a fresh 12-byte IV; `aad` (the credential id)
 * is authenticated too, so an envelope moved to another credential's record does not open.
 */
export async function sealEnvelope(
  key: CryptoKey,
  bytes: Bytes,
  aad: Uint8Array,
  randomBytes: (length: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n)),
): Promise<Envelope> {
  const iv = randomBytes(IV_BYTES);
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: new Uint8Array(iv), additionalData: new Uint8Array(aad) },
    key,
    bytes,
  );
  return { iv, ciphertext: new Uint8Array(sealed) };
}

/** EnvelopeOpenError says the envelope did not decrypt: another secret, salt, agent key or IV. */
export class EnvelopeOpenError extends Error {
  constructor() {
    super('The stored passphrase could not be decrypted.');
    this.name = 'EnvelopeOpenError';
  }
}

/** openEnvelope answers the passphrase bytes (the caller zeroes them), or throws EnvelopeOpenError. */
export async function openEnvelope(
  key: CryptoKey,
  envelope: Envelope,
  aad: Uint8Array,
): Promise<Uint8Array> {
  try {
    const opened = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: new Uint8Array(envelope.iv), additionalData: new Uint8Array(aad) },
      key,
      new Uint8Array(envelope.ciphertext),
    );
    return new Uint8Array(opened);
  } catch {
    throw new EnvelopeOpenError();
  }
}
