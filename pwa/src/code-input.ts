// Pairing code entry: what a person types becomes `XXXX-XXXX` as they type it.
import { CROCKFORD_ALPHABET, canonicalPairingCode } from '../../shared/protocol/index.ts';

/**
 * formatCodeInput tidies typed text into the code's shape: upper case, Crockford's O→0 and I/L→1,
 * anything else dropped, at most 8 characters, the dash shown once the fifth is typed (so
 * deleting back over the dash is never fought).
 */
export function formatCodeInput(typed: string): string {
  let kept = '';
  for (const char of typed.toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1')) {
    if (CROCKFORD_ALPHABET.includes(char)) kept += char;
    if (kept.length === 8) break;
  }
  return kept.length > 4 ? `${kept.slice(0, 4)}-${kept.slice(4)}` : kept;
}

/** completeCode answers the canonical code once all 8 characters are there, else null. */
export function completeCode(typed: string): string | null {
  return canonicalPairingCode(formatCodeInput(typed));
}
