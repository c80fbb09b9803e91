// Pairing codes and the two proofs made from them; the code itself never travels (ARCHITECTURE §6).
import { CROCKFORD_ALPHABET, toCrockfordBase32 } from './base32.ts';
import { concatBytes, utf8Encode } from './bytes.ts';
import type { HmacSha256 } from './crypto-port.ts';

export const PAIRING_PROOF_CONTEXT = 'immich-pi/pair/v1';
export const AGENT_PROOF_CONTEXT = 'immich-pi/pair/v1/agent';

// Longer input is not a code someone typed; refuse it before doing any work on it.
const MAX_INPUT_LENGTH = 64;

/** formatPairingCode turns 5 random bytes (40 bits) into a code shown as `XXXX-XXXX`. */
export function formatPairingCode(random5: Uint8Array): string {
  if (random5.length !== 5) throw new RangeError('a pairing code is made from 5 random bytes');
  const text = toCrockfordBase32(random5);
  return `${text.slice(0, 4)}-${text.slice(4)}`;
}

/**
 * canonicalPairingCode reads a code as a person may type it: spaces and dashes anywhere, any case,
 * O for 0 and I or L for 1 (Crockford's decoding rules). It answers `XXXX-XXXX`, or null when the
 * input is not 8 characters of the alphabet.
 */
export function canonicalPairingCode(input: string): string | null {
  if (input.length > MAX_INPUT_LENGTH) return null;
  const text = input
    .trim()
    .replace(/[\s-]/g, '')
    .toUpperCase()
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (text.length !== 8) return null;
  for (const char of text) if (!CROCKFORD_ALPHABET.includes(char)) return null;
  return `${text.slice(0, 4)}-${text.slice(4)}`;
}

function macKey(code: string): Uint8Array<ArrayBuffer> {
  const canonical = canonicalPairingCode(code);
  if (canonical === null) throw new RangeError('not a pairing code');
  return utf8Encode(canonical);
}

function requireKey(key: Uint8Array): Uint8Array {
  if (key.length !== 32) throw new RangeError('an Ed25519 public key is 32 bytes');
  return key;
}

/**
 * computePairingProof is what a new device sends to show it knows the code:
 * HMAC-SHA256(key = canonical code, "immich-pi/pair/v1" ‖ devicePublicKey ‖ agentKey).
 * Binding both keys means a proof made for one agent or one device is worthless for another.
 */
export async function computePairingProof(
  code: string,
  devicePublicKey: Uint8Array,
  agentKey: Uint8Array,
  hmac: HmacSha256,
): Promise<Uint8Array> {
  const message = concatBytes(
    utf8Encode(PAIRING_PROOF_CONTEXT),
    requireKey(devicePublicKey),
    requireKey(agentKey),
  );
  return hmac(macKey(code), message);
}

/**
 * computeAgentProof is the agent's answer, showing the device it reached the agent that issued
 * the code: HMAC-SHA256(key = canonical code, "immich-pi/pair/v1/agent" ‖ agentKey ‖ devicePublicKey).
 * The different context string keeps it from ever equalling a device's proof.
 */
export async function computeAgentProof(
  code: string,
  agentKey: Uint8Array,
  devicePublicKey: Uint8Array,
  hmac: HmacSha256,
): Promise<Uint8Array> {
  const message = concatBytes(
    utf8Encode(AGENT_PROOF_CONTEXT),
    requireKey(agentKey),
    requireKey(devicePublicKey),
  );
  return hmac(macKey(code), message);
}
