// The browser's WebCrypto behind the small function types shared/protocol asks for.
import type { HmacSha256, Sha256, SignBytes } from '../../shared/protocol/index.ts';

/** sha256 hashes with SubtleCrypto. */
export const sha256: Sha256 = async (data) =>
  new Uint8Array(await crypto.subtle.digest('SHA-256', data));

/** hmacSha256 computes HMAC-SHA256 with a one-off, non-extractable key. */
export const hmacSha256: HmacSha256 = async (key, data) => {
  const hmacKey = await crypto.subtle.importKey(
    'raw',
    key,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, data));
};

/** signerFor signs with an Ed25519 private key that never leaves WebCrypto. */
export function signerFor(privateKey: CryptoKey): SignBytes {
  return async (data) => new Uint8Array(await crypto.subtle.sign('Ed25519', privateKey, data));
}

/** randomBytes answers `length` bytes from the browser's CSPRNG. */
export function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}
