// A strict RFC 8941 Structured Field parser for the Dictionaries our headers are: Signature-Input,
// Signature (RFC 9421) and Content-Digest (RFC 9530). Serialisers live in sfv-serialize.ts.
//
// Errors: every parse function throws StructuredFieldError on malformed input; callers that want
// a yes/no answer catch it. Deliberately stricter than RFC 8941 in three ways: decimals are
// refused (no header of ours has one), a repeated dictionary or parameter key is refused instead
// of "last one wins" (an ambiguous signature header is a forgery attempt, not something to
// resolve), and byte sequences must be padded, canonical base64 (see fromBase64).
import { fromBase64 } from './base64url.ts';

/** Longest field value we parse at all: bounds the work an unsigned request can cause. */
export const MAX_FIELD_LENGTH = 4096;

/** Token is an RFC 8941 Token (§3.3.4), kept apart from String so it serialises back the same. */
export class Token {
  constructor(readonly value: string) {}
}

/** BareItem: Integer (number), String (string), Token, Byte Sequence (Uint8Array), Boolean. */
export type BareItem = number | string | boolean | Token | Uint8Array;
export type Parameters = Map<string, BareItem>;
export interface Item {
  kind: 'item';
  value: BareItem;
  params: Parameters;
}
export interface InnerList {
  kind: 'inner-list';
  items: Item[];
  params: Parameters;
}
export type Dictionary = Map<string, Item | InnerList>;

/** StructuredFieldError is a field value that is not the structured field we expected. */
export class StructuredFieldError extends Error {
  override name = 'StructuredFieldError';
}

const MAX_INTEGER_DIGITS = 15;
const IS_ALPHA = /^[A-Za-z]$/;
const IS_DIGIT = /^[0-9]$/;
const IS_KEY_START = /^[a-z*]$/;
const IS_KEY_CHAR = /^[a-z0-9_\-.*]$/;
const IS_TOKEN_CHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z:/]$/;
const IS_BASE64_CHAR = /^[A-Za-z0-9+/=]$/;

// A read position over the field value; every parse step below is RFC 8941 §4.2's algorithm.
class Reader {
  at = 0;
  constructor(readonly text: string) {}
  peek(): string | undefined {
    return this.text[this.at];
  }
  take(): string {
    const char = this.text[this.at];
    if (char === undefined) throw new StructuredFieldError('unexpected end of field');
    this.at++;
    return char;
  }
  expect(char: string): void {
    if (this.take() !== char)
      throw new StructuredFieldError(`expected "${char}" at ${this.at - 1}`);
  }
  skip(pattern: RegExp): void {
    while (this.at < this.text.length && pattern.test(this.text[this.at] as string)) this.at++;
  }
  done(): boolean {
    return this.at >= this.text.length;
  }
}

/** parseDictionary parses an RFC 8941 Dictionary (§4.2.2), throwing StructuredFieldError. */
export function parseDictionary(input: string): Dictionary {
  if (input.length > MAX_FIELD_LENGTH) throw new StructuredFieldError('field value too long');
  // Only tab and printable ASCII can appear anywhere in the grammar.
  if (/[^\t -~]/.test(input)) throw new StructuredFieldError('field value is not printable ASCII');
  const reader = new Reader(input);
  reader.skip(/ /);
  const dictionary: Dictionary = new Map();
  while (!reader.done()) {
    const key = parseKey(reader);
    if (dictionary.has(key)) throw new StructuredFieldError(`repeated key "${key}"`);
    if (reader.peek() === '=') {
      reader.take();
      dictionary.set(key, reader.peek() === '(' ? parseInnerList(reader) : parseItem(reader));
    } else {
      dictionary.set(key, { kind: 'item', value: true, params: parseParameters(reader) });
    }
    reader.skip(/[ \t]/);
    if (reader.done()) break;
    reader.expect(',');
    reader.skip(/[ \t]/);
    if (reader.done()) throw new StructuredFieldError('trailing comma');
  }
  return dictionary;
}

function parseInnerList(reader: Reader): InnerList {
  reader.expect('(');
  const items: Item[] = [];
  for (;;) {
    reader.skip(/ /);
    if (reader.peek() === ')') {
      reader.take();
      return { kind: 'inner-list', items, params: parseParameters(reader) };
    }
    items.push(parseItem(reader));
    const next = reader.peek();
    if (next !== ' ' && next !== ')')
      throw new StructuredFieldError('inner list items need a space between');
  }
}

function parseItem(reader: Reader): Item {
  const value = parseBareItem(reader);
  return { kind: 'item', value, params: parseParameters(reader) };
}

function parseParameters(reader: Reader): Parameters {
  const params: Parameters = new Map();
  while (reader.peek() === ';') {
    reader.take();
    reader.skip(/ /);
    const key = parseKey(reader);
    if (params.has(key)) throw new StructuredFieldError(`repeated parameter "${key}"`);
    let value: BareItem = true;
    if (reader.peek() === '=') {
      reader.take();
      value = parseBareItem(reader);
    }
    params.set(key, value);
  }
  return params;
}

function parseKey(reader: Reader): string {
  const first = reader.take();
  if (!IS_KEY_START.test(first)) throw new StructuredFieldError('a key starts with a-z or *');
  let key = first;
  while (!reader.done() && IS_KEY_CHAR.test(reader.peek() as string)) key += reader.take();
  return key;
}

function parseBareItem(reader: Reader): BareItem {
  const first = reader.peek();
  if (first === undefined) throw new StructuredFieldError('missing value');
  if (first === '-' || IS_DIGIT.test(first)) return parseInteger(reader);
  if (first === '"') return parseString(reader);
  if (first === ':') return parseByteSequence(reader);
  if (first === '?') return parseBoolean(reader);
  if (first === '*' || IS_ALPHA.test(first)) return parseToken(reader);
  throw new StructuredFieldError(`unexpected "${first}"`);
}

function parseInteger(reader: Reader): number {
  let sign = 1;
  if (reader.peek() === '-') {
    reader.take();
    sign = -1;
  }
  let digits = '';
  while (!reader.done() && IS_DIGIT.test(reader.peek() as string)) digits += reader.take();
  if (digits.length === 0) throw new StructuredFieldError('an integer needs a digit');
  if (digits.length > MAX_INTEGER_DIGITS) throw new StructuredFieldError('integer too long');
  if (reader.peek() === '.') throw new StructuredFieldError('decimals are not supported');
  return sign * Number(digits);
}

function parseString(reader: Reader): string {
  reader.expect('"');
  let value = '';
  for (;;) {
    const char = reader.take();
    if (char === '"') return value;
    if (char === '\\') {
      const escaped = reader.take();
      if (escaped !== '"' && escaped !== '\\')
        throw new StructuredFieldError('bad escape in string');
      value += escaped;
    } else {
      const code = char.charCodeAt(0);
      if (code < 0x20 || code > 0x7e) throw new StructuredFieldError('control character in string');
      value += char;
    }
  }
}

function parseToken(reader: Reader): Token {
  let value = reader.take();
  while (!reader.done() && IS_TOKEN_CHAR.test(reader.peek() as string)) value += reader.take();
  return new Token(value);
}

function parseByteSequence(reader: Reader): Uint8Array {
  reader.expect(':');
  let text = '';
  for (;;) {
    const char = reader.take();
    if (char === ':') break;
    if (!IS_BASE64_CHAR.test(char)) throw new StructuredFieldError('not base64 in byte sequence');
    text += char;
  }
  const bytes = fromBase64(text);
  if (bytes === null) throw new StructuredFieldError('byte sequence is not canonical base64');
  return bytes;
}

function parseBoolean(reader: Reader): boolean {
  reader.expect('?');
  const char = reader.take();
  if (char === '1') return true;
  if (char === '0') return false;
  throw new StructuredFieldError('a boolean is ?0 or ?1');
}
