// RFC 8941 §4.1 serialisation of the structures sfv.ts parses: what we send, and the canonical
// form of what we received (RFC 9421 signs the re-serialised signature parameters).
import { toBase64 } from './base64url.ts';
import {
  type BareItem,
  type Dictionary,
  type InnerList,
  type Item,
  type Parameters,
  StructuredFieldError,
  Token,
} from './sfv.ts';

const MAX_INTEGER = 999_999_999_999_999;
const IS_KEY = /^[a-z*][a-z0-9_\-.*]*$/;
const IS_TOKEN = /^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*$/;
const IS_STRING_SAFE = /^[ -~]*$/;

/** serializeBareItem writes one value; it throws StructuredFieldError for what cannot be written. */
export function serializeBareItem(value: BareItem): string {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || Math.abs(value) > MAX_INTEGER) {
      throw new StructuredFieldError('only integers of up to 15 digits are supported');
    }
    return String(value);
  }
  if (typeof value === 'string') {
    if (!IS_STRING_SAFE.test(value)) throw new StructuredFieldError('strings are printable ASCII');
    return `"${value.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
  }
  if (typeof value === 'boolean') return value ? '?1' : '?0';
  if (value instanceof Token) {
    if (!IS_TOKEN.test(value.value)) throw new StructuredFieldError('not a token');
    return value.value;
  }
  return `:${toBase64(value)}:`;
}

function serializeKey(key: string): string {
  if (!IS_KEY.test(key)) throw new StructuredFieldError(`not a key: ${key}`);
  return key;
}

/** serializeParameters writes `;key=value` for each parameter, a bare `;key` for true. */
export function serializeParameters(params: Parameters): string {
  let out = '';
  for (const [key, value] of params) {
    out += `;${serializeKey(key)}`;
    if (value !== true) out += `=${serializeBareItem(value)}`;
  }
  return out;
}

/** serializeItem writes a bare item followed by its parameters. */
export function serializeItem(item: Item): string {
  return serializeBareItem(item.value) + serializeParameters(item.params);
}

/** serializeInnerList writes `(item item ...)` followed by the list's parameters. */
export function serializeInnerList(list: InnerList): string {
  return `(${list.items.map(serializeItem).join(' ')})${serializeParameters(list.params)}`;
}

/** serializeDictionary writes members as `key=value`, joined by `, `; a true Item is just its key. */
export function serializeDictionary(dictionary: Dictionary): string {
  const members: string[] = [];
  for (const [key, member] of dictionary) {
    if (member.kind === 'inner-list')
      members.push(`${serializeKey(key)}=${serializeInnerList(member)}`);
    else if (member.value === true)
      members.push(serializeKey(key) + serializeParameters(member.params));
    else members.push(`${serializeKey(key)}=${serializeItem(member)}`);
  }
  return members.join(', ');
}
