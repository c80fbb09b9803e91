// RFC 9421 HTTP Message Signatures as we use them: the signature base, our two headers, signing.
import type { ErrorCode } from '../errors.ts';
import { toBase64 } from './base64url.ts';
import { utf8Encode } from './bytes.ts';
import type { Sha256, SignBytes } from './crypto-port.ts';
import { contentDigestFor } from './digest.ts';
import { parseDictionary, StructuredFieldError, Token } from './sfv.ts';
import { serializeBareItem, serializeInnerList } from './sfv-serialize.ts';

export const SIGNATURE_LABEL = 'sig1';
export const SIGNATURE_TAG = 'immich-pi';
export const SIGNATURE_ALG = 'ed25519';
/**
 * Covered by every signed request; `content-digest` joins them whenever there is a body.
 * `@authority` binds a signature to the agent it was made for, so another agent with the same
 * device paired refuses it.
 */
export const REQUIRED_COMPONENTS = ['@method', '@authority', '@path', '@query'] as const;
export const DIGEST_COMPONENT = 'content-digest';
/** A nonce is 16 to 128 base64url characters (e.g. 16 random bytes make 22). */
export const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

/** ComponentValue answers a covered component's value, or null when the message has none. */
export type ComponentValue = (name: string) => string | null;

/**
 * signatureBase builds the RFC 9421 §2.5 signature base: a line `"name": value` per covered
 * component, then `"@signature-params": <paramsLine>`, joined by \n with no trailing newline.
 * Null when a component is missing, repeated, or its value would break the line format.
 */
export function signatureBase(
  components: readonly string[],
  paramsLine: string,
  componentValue: ComponentValue,
): string | null {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const name of components) {
    if (seen.has(name) || name === '@signature-params' || !/^[!-~]+$/.test(name)) return null;
    seen.add(name);
    const value = componentValue(name);
    if (value === null || /[\r\n]/.test(value)) return null;
    lines.push(`${serializeBareItem(name)}: ${value}`);
  }
  lines.push(`"@signature-params": ${paramsLine}`);
  return lines.join('\n');
}

/** RequestParts is what a request's covered components are read from. */
export interface RequestParts {
  method: string;
  /** The raw (still percent-encoded) path. */
  path: string;
  /** The raw query with its leading `?`, or '' when there is none. */
  query: string;
  /** Host and port (none when it is the scheme's default), as URL.host writes them. */
  authority?: string;
  /** Header fields by lower-case name, repeated fields already joined with ", ". */
  headers: Readonly<Record<string, string>>;
}

/**
 * requestComponents answers the value of each component RFC 9421 §2.2 derives from a request:
 * `@method` upper-cased (so `get` and `GET` sign alike, as fetch normalises them), `@path` (`/`
 * when empty), `@query` (`?` when there is none, §2.2.7), `@authority` lower-cased, and header
 * fields by lower-case name with surrounding whitespace trimmed.
 */
export function requestComponents(request: RequestParts): ComponentValue {
  return (name) => {
    switch (name) {
      case '@method':
        return request.method.toUpperCase();
      case '@path':
        return request.path === '' ? '/' : request.path;
      case '@query':
        return request.query.startsWith('?') ? request.query : `?${request.query}`;
      case '@authority':
        return request.authority === undefined ? null : request.authority.toLowerCase();
      default:
        if (name.startsWith('@') || !Object.hasOwn(request.headers, name)) return null;
        return (request.headers[name] as string).trim();
    }
  };
}

/**
 * serializeSignatureParams writes the Signature-Input member value, e.g.
 * `("@method" "@path" "@query");created=1700000000;nonce="...";keyid="..."` (strings quoted,
 * integers bare, in the order given).
 */
export function serializeSignatureParams(
  components: readonly string[],
  params: ReadonlyArray<readonly [string, string | number]>,
): string {
  return serializeInnerList({
    kind: 'inner-list',
    items: components.map((name) => ({ kind: 'item', value: name, params: new Map() })),
    params: new Map(params),
  });
}

export type ParsedSignature =
  | {
      ok: true;
      label: string;
      components: string[];
      params: Map<string, string | number | boolean>;
      /** The canonical re-serialisation of the member: what the signature base signs. */
      paramsLine: string;
      signature: Uint8Array;
    }
  | { ok: false; code: Extract<ErrorCode, 'signature-missing' | 'signature-malformed'> };

const MALFORMED = { ok: false, code: 'signature-malformed' } as const;

/**
 * parseSignatureHeaders reads Signature-Input and Signature. Each must hold exactly one member,
 * under the same label; the input an Inner List of plain component names with String, Integer or
 * Boolean parameters (RFC 9421 defines no other kinds), the signature a Byte Sequence.
 */
export function parseSignatureHeaders(
  signatureInput: string | undefined,
  signature: string | undefined,
): ParsedSignature {
  if (!signatureInput?.trim() || !signature?.trim()) {
    return { ok: false, code: 'signature-missing' };
  }
  try {
    const inputs = parseDictionary(signatureInput);
    const signatures = parseDictionary(signature);
    if (inputs.size !== 1 || signatures.size !== 1) return MALFORMED;
    const [first] = inputs;
    if (first === undefined) return MALFORMED;
    const [label, input] = first;
    const value = signatures.get(label);
    if (
      input.kind !== 'inner-list' ||
      value?.kind !== 'item' ||
      !(value.value instanceof Uint8Array)
    ) {
      return MALFORMED;
    }
    const components: string[] = [];
    for (const item of input.items) {
      if (typeof item.value !== 'string' || item.params.size > 0) return MALFORMED;
      components.push(item.value);
    }
    const params = new Map<string, string | number | boolean>();
    for (const [key, param] of input.params) {
      if (param instanceof Token || param instanceof Uint8Array) return MALFORMED;
      params.set(key, param);
    }
    const paramsLine = serializeInnerList(input);
    return { ok: true, label, components, params, paramsLine, signature: value.value };
  } catch (error) {
    if (error instanceof StructuredFieldError) return MALFORMED;
    throw error;
  }
}

export interface SignRequestOptions {
  method: string;
  /**
   * The agent's host and port as URL.host writes them (`pi.tail1234.ts.net`, `127.0.0.1:8480`):
   * the address the request is sent to, which the agent checks is its own.
   */
  authority: string;
  path: string;
  /** The raw query with its leading `?`, or ''. */
  query: string;
  /** The exact body bytes sent; null, undefined or empty means no body (and no digest). */
  body?: Uint8Array | null;
  keyid: string;
  /** Seconds since the epoch, in the agent's clock (ARCHITECTURE §4, Clock). */
  created: number;
  nonce: string;
  sign: SignBytes;
  sha256: Sha256;
}

/**
 * signRequest returns the headers that sign a request: `signature-input`, `signature`, and
 * `content-digest` (covered) when there is a body. Header names are lower case. It throws a
 * RangeError for values the agent would refuse (a bad nonce or created, an empty authority).
 */
export async function signRequest(options: SignRequestOptions): Promise<Record<string, string>> {
  const { method, authority, path, query, body, keyid, created, nonce, sign, sha256 } = options;
  if (!Number.isSafeInteger(created) || created < 0) {
    throw new RangeError('created is whole seconds');
  }
  if (!NONCE_PATTERN.test(nonce)) throw new RangeError('a nonce is 16-128 base64url characters');
  if (authority === '') throw new RangeError('the authority is the agent’s host');
  const headers: Record<string, string> = {};
  const components: string[] = [...REQUIRED_COMPONENTS];
  if (body && body.length > 0) {
    headers[DIGEST_COMPONENT] = await contentDigestFor(body, sha256);
    components.push(DIGEST_COMPONENT);
  }
  const paramsLine = serializeSignatureParams(components, [
    ['created', created],
    ['nonce', nonce],
    ['keyid', keyid],
    ['alg', SIGNATURE_ALG],
    ['tag', SIGNATURE_TAG],
  ]);
  const base = signatureBase(
    components,
    paramsLine,
    requestComponents({ method, authority, path, query, headers }),
  );
  if (base === null) throw new RangeError('the request cannot be signed');
  const signatureBytes = await sign(utf8Encode(base));
  headers['signature-input'] = `${SIGNATURE_LABEL}=${paramsLine}`;
  headers.signature = `${SIGNATURE_LABEL}=:${toBase64(signatureBytes)}:`;
  return headers;
}
