// The agent key's fingerprint: what a person compares between the CLI and the phone at pairing.
import { toCrockfordBase32 } from './base32.ts';
import type { Sha256 } from './crypto-port.ts';

/**
 * fingerprintFor is Crockford base32 of the first 10 bytes (80 bits) of SHA-256(agentKey),
 * 16 characters shown in groups of four: `ABCD-EFGH-JKMN-PQRS`.
 */
export async function fingerprintFor(agentKey: Uint8Array, sha256: Sha256): Promise<string> {
  if (agentKey.length !== 32) throw new RangeError('an Ed25519 public key is 32 bytes');
  const digest = await sha256(new Uint8Array(agentKey));
  const text = toCrockfordBase32(digest.subarray(0, 10));
  return (text.match(/.{4}/g) as string[]).join('-');
}
