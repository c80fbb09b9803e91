// RFC 9530 Content-Digest: binds a request body to its signature (the header is a covered component).
import { toBase64 } from './base64url.ts';
import type { Sha256 } from './crypto-port.ts';
import { parseDictionary, StructuredFieldError } from './sfv.ts';

const SHA256_MEMBER = 'sha-256';

/** contentDigestFor is the Content-Digest value for a body: `sha-256=:<base64 of SHA-256>:`. */
export async function contentDigestFor(body: Uint8Array, sha256: Sha256): Promise<string> {
  // The copy gives the injected hash an ArrayBuffer-backed view whatever the caller passed.
  return `${SHA256_MEMBER}=:${toBase64(await sha256(new Uint8Array(body)))}:`;
}

/**
 * parseContentDigest returns the 32 bytes of the header's sha-256 member. Other algorithms may be
 * listed and are ignored (we only ever check sha-256); null when the header is not a valid
 * Dictionary or has no sha-256 Byte Sequence of 32 bytes.
 */
export function parseContentDigest(header: string): Uint8Array | null {
  try {
    const member = parseDictionary(header).get(SHA256_MEMBER);
    if (member?.kind !== 'item' || !(member.value instanceof Uint8Array)) return null;
    return member.value.length === 32 ? member.value : null;
  } catch (error) {
    if (error instanceof StructuredFieldError) return null;
    throw error;
  }
}
