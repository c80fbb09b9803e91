// Base64 in both alphabets, strict both ways, in plain JS: shared/ may not use Buffer or atob.

const STANDARD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function decodeTable(alphabet: string): Int8Array {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
}
const STANDARD_VALUES = decodeTable(STANDARD);
const URL_SAFE_VALUES = decodeTable(URL_SAFE);

function encode(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n =
      ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out +=
      alphabet[n >> 18] +
      (alphabet[(n >> 12) & 63] as string) +
      alphabet[(n >> 6) & 63] +
      alphabet[n & 63];
  }
  const left = bytes.length - i;
  if (left === 1) {
    const n = (bytes[i] as number) << 16;
    out += (alphabet[n >> 18] as string) + alphabet[(n >> 12) & 63] + (pad ? '==' : '');
  } else if (left === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out +=
      (alphabet[n >> 18] as string) +
      alphabet[(n >> 12) & 63] +
      alphabet[(n >> 6) & 63] +
      (pad ? '=' : '');
  }
  return out;
}

// Decodes unpadded text; refuses foreign characters, impossible lengths and non-zero leftover
// bits (RFC 4648 §3.5), so every byte string has exactly one accepted spelling.
function decode(text: string, values: Int8Array): Uint8Array<ArrayBuffer> | null {
  if (text.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? (values[code] as number) : -1;
    if (value < 0) return null;
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (buffer >> bits) & 0xff;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) return null;
  return out;
}

/** toBase64url encodes bytes as base64url without padding (how binary travels in our JSON). */
export function toBase64url(bytes: Uint8Array): string {
  return encode(bytes, URL_SAFE, false);
}

/** fromBase64url decodes unpadded base64url strictly; null on any malformed input. */
export function fromBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  return decode(text, URL_SAFE_VALUES);
}

/** toBase64 encodes bytes as standard padded base64, as RFC 8941 Byte Sequences carry them. */
export function toBase64(bytes: Uint8Array): string {
  return encode(bytes, STANDARD, true);
}

/**
 * fromBase64 decodes standard base64 that is padded to a multiple of 4 and canonical; null
 * otherwise. RFC 8941 §4.2.7 lets parsers tolerate missing padding and stray pad bits; we do not,
 * because our peers (WebCrypto callers, node:crypto, http-message-signatures) never produce them.
 */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
  if (text.length % 4 !== 0) return null;
  let end = text.length;
  if (text.endsWith('==')) end -= 2;
  else if (text.endsWith('=')) end -= 1;
  return decode(text.slice(0, end), STANDARD_VALUES);
}
