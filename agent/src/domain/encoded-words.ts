// tailscale serve writes non-ASCII tailnet identities as RFC 2047 encoded-words; this reads them.
import { fromBase64 } from '../../../shared/protocol/index.ts';

// =?charset?encoding?encoded-text?= (RFC 2047 §2), the charset with an optional RFC 2231 §5
// language (`utf-8*de`). The encoded text holds no `?` and no white space.
const ENCODED_WORD = /=\?([^?\s*]+)(?:\*[^?\s]*)?\?([BbQq])\?([^?\s]*)\?=/g;
const HEX_PAIR = /^[0-9A-Fa-f]{2}$/;
const BETWEEN_WORDS = /^\s*$/;

/** decodeQ reads RFC 2047 §4.2 Q text: `_` is a space, `=XX` a byte, printable ASCII itself. */
function decodeQ(text: string): Uint8Array | null {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (text[i] === '_') bytes.push(0x20);
    else if (text[i] === '=') {
      const hex = text.slice(i + 1, i + 3);
      if (!HEX_PAIR.test(hex)) return null;
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else if (code > 0x20 && code < 0x7f) bytes.push(code);
    else return null;
  }
  return Uint8Array.from(bytes);
}

function decodeWord(charset: string, encoding: string, text: string): Uint8Array | null {
  // Go's encoder (the only one that writes these headers) names utf-8; nothing else is read.
  if (charset.toLowerCase() !== 'utf-8') return null;
  return encoding.toLowerCase() === 'b' ? fromBase64(text) : decodeQ(text);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function utf8OrNull(bytes: number[]): string | null {
  try {
    return utf8.decode(Uint8Array.from(bytes));
  } catch {
    return null; // not UTF-8
  }
}

/**
 * decodeEncodedWords decodes the RFC 2047 encoded-words (Q or B, charset utf-8) in a header
 * value; text around them stays as it is. White space between two words is dropped (§6.2) and
 * their bytes are joined before UTF-8 decoding, so a character split across words survives.
 * Null when a word does not decode: another charset, bad `=XX` or base64, bytes not UTF-8.
 */
export function decodeEncodedWords(value: string): string | null {
  const parts: (string | number[])[] = [];
  let end = 0;
  for (const match of value.matchAll(ENCODED_WORD)) {
    const [word, charset = '', encoding = '', encoded = ''] = match;
    const bytes = decodeWord(charset, encoding, encoded);
    if (bytes === null) return null;
    const between = value.slice(end, match.index);
    const last = parts.at(-1);
    if (Array.isArray(last) && BETWEEN_WORDS.test(between)) last.push(...bytes);
    else parts.push(between, [...bytes]);
    end = match.index + word.length;
  }
  parts.push(value.slice(end));
  let text = '';
  for (const part of parts) {
    const piece = typeof part === 'string' ? part : utf8OrNull(part);
    if (piece === null) return null;
    text += piece;
  }
  return text;
}

// Go's mime.QEncoding encodes a value only when a byte is outside printable ASCII and tab.
const NEEDS_NO_ENCODING = /^[\t\x20-\x7e]*$/;

/**
 * decodeTailscaleHeader reads a `Tailscale-User-Login` or `-Name` value as tailscale serve
 * writes it: `mime.QEncoding.Encode("utf-8", v)` when v is not plain ASCII, v itself otherwise
 * (ipn/ipnlocal/serve.go, encTailscaleHeaderValue). So a value whose decoding is plain ASCII was
 * never encoded: `=?utf-8?q?owner@example.com?=` is read as it stands, not as owner@example.com.
 * A value that does not decode is also read as it stands.
 */
export function decodeTailscaleHeader(value: string): string {
  const decoded = decodeEncodedWords(value);
  return decoded === null || NEEDS_NO_ENCODING.test(decoded) ? value : decoded;
}
