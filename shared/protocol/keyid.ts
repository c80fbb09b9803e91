// A device's key id: short, stable, derived from its public key alone (ARCHITECTURE §4).
import { toBase64url } from './base64url.ts';
import type { Sha256 } from './crypto-port.ts';

/** keyIdFor is base64url of the first 16 bytes of SHA-256(raw 32-byte public key): 22 characters. */
export async function keyIdFor(publicKey: Uint8Array, sha256: Sha256): Promise<string> {
  if (publicKey.length !== 32) throw new RangeError('an Ed25519 public key is 32 bytes');
  const digest = await sha256(new Uint8Array(publicKey));
  return toBase64url(digest.subarray(0, 16));
}
