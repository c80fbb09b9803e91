// Verifies an RFC 9421 signed request from a paired device, cheapest checks first (ARCHITECTURE §4).
import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import type { ErrorCode } from '../../../shared/errors.ts';
import {
  bytesEqual,
  DIGEST_COMPONENT,
  NONCE_PATTERN,
  parseContentDigest,
  parseSignatureHeaders,
  REQUIRED_COMPONENTS,
  requestComponents,
  SIGNATURE_ALG,
  SIGNATURE_TAG,
  signatureBase,
  toBase64url,
} from '../../../shared/protocol/index.ts';
import type { ReplayGuard } from './replay-guard.ts';

/** SignedRequestInput is everything a signature can cover, read off the request as received. */
export interface SignedRequestInput {
  method: string;
  /** Raw path, still percent-encoded. */
  path: string;
  /** Raw query: '' or '?...'. */
  query: string;
  /**
   * This agent's own name the request was addressed to, chosen by the agent (hostGuard) from its
   * config and the checked Host, never read from the request alone. Missing: nothing verifies.
   */
  authority?: string;
  /** Header fields by lower-case name. */
  headers: Record<string, string>;
  /** The body bytes, null when there is no body. */
  body: Uint8Array | null;
}

export type KeyLookupResult =
  | { state: 'active'; key: KeyObject }
  | { state: 'revoked' }
  | { state: 'unknown' };

export interface VerifyDeps {
  lookupKey(keyid: string): KeyLookupResult;
  /** Agent wall clock, ms: `created` is judged against it. */
  wallMs(): number;
  /** When this process started, in the wall clock's current terms, ms. */
  startedAtWallMs(): number;
  skewSeconds: number;
  replay: ReplayGuard;
}

export type VerifyResult =
  | { ok: true; keyid: string }
  | { ok: false; code: ErrorCode; retryAfterSeconds?: number };

interface Claims {
  keyid: string;
  nonce: string;
  created: number;
  expires: number | undefined;
  components: string[];
  paramsLine: string;
  signature: Uint8Array;
}

const KNOWN_PARAMS = new Set(['created', 'nonce', 'keyid', 'alg', 'tag', 'expires']);
const MAX_KEYID_LENGTH = 128;
const ED25519_SIGNATURE_BYTES = 64;

const fail = (code: ErrorCode): VerifyResult => ({ ok: false, code });

function header(input: SignedRequestInput, name: string): string | undefined {
  return Object.hasOwn(input.headers, name) ? input.headers[name] : undefined;
}

const isWholeNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value);

// Our profile's parameters exactly: no unknown ones, each of the right kind (RFC 9421 §2.3).
function paramsFit(params: Map<string, string | number | boolean>): boolean {
  for (const name of params.keys()) if (!KNOWN_PARAMS.has(name)) return false;
  const keyid = params.get('keyid');
  const nonce = params.get('nonce');
  const expires = params.get('expires');
  return (
    isWholeNumber(params.get('created')) &&
    typeof nonce === 'string' &&
    NONCE_PATTERN.test(nonce) &&
    typeof keyid === 'string' &&
    keyid.length > 0 &&
    keyid.length <= MAX_KEYID_LENGTH &&
    params.get('alg') === SIGNATURE_ALG &&
    params.get('tag') === SIGNATURE_TAG &&
    (expires === undefined || isWholeNumber(expires))
  );
}

// Exactly @method @authority @path @query, plus content-digest when there is a body, in any order.
function componentsFit(components: readonly string[], hasBody: boolean): boolean {
  const expected: string[] = [...REQUIRED_COMPONENTS];
  if (hasBody) expected.push(DIGEST_COMPONENT);
  // Same length and every expected one present: that also rules out repeats.
  return components.length === expected.length && expected.every((c) => components.includes(c));
}

// The profile before @authority was covered, which an app cached from an older agent still signs.
const isOutdatedProfile = (components: readonly string[], hasBody: boolean) =>
  !components.includes('@authority') && componentsFit([...components, '@authority'], hasBody);

// Only our exact profile is accepted: a signature covering anything else, or missing something,
// is refused before any key is looked up.
function readClaims(input: SignedRequestInput): Claims | ErrorCode {
  const parsed = parseSignatureHeaders(
    header(input, 'signature-input'),
    header(input, 'signature'),
  );
  if (!parsed.ok) return parsed.code;
  const { params, components, paramsLine, signature } = parsed;
  const hasBody = input.body !== null;
  if (!paramsFit(params)) return 'signature-malformed';
  if (!componentsFit(components, hasBody)) {
    return isOutdatedProfile(components, hasBody) ? 'signature-outdated' : 'signature-malformed';
  }
  if (signature.length !== ED25519_SIGNATURE_BYTES) return 'signature-malformed';
  return {
    keyid: params.get('keyid') as string,
    nonce: params.get('nonce') as string,
    created: params.get('created') as number,
    expires: params.get('expires') as number | undefined,
    components,
    paramsLine,
    signature,
  };
}

function checkTime(claims: Claims, deps: VerifyDeps): ErrorCode | null {
  const nowSeconds = deps.wallMs() / 1000;
  if (Math.abs(claims.created - nowSeconds) > deps.skewSeconds) return 'clock-skew';
  if (claims.expires !== undefined && claims.expires < nowSeconds) return 'clock-skew';
  // Nonces seen before a restart are forgotten, so nothing signed before it may pass.
  if (claims.created < Math.floor(deps.startedAtWallMs() / 1000)) return 'created-before-start';
  return null;
}

function checkDigest(input: SignedRequestInput): ErrorCode | null {
  if (input.body === null) return null;
  const value = header(input, DIGEST_COMPONENT);
  const claimed = value === undefined ? null : parseContentDigest(value);
  if (claimed === null) return 'digest-missing';
  const actual = new Uint8Array(createHash('sha256').update(input.body).digest());
  return bytesEqual(actual, claimed) ? null : 'digest-mismatch';
}

function signatureVerifies(input: SignedRequestInput, claims: Claims, key: KeyObject): boolean {
  const base = signatureBase(claims.components, claims.paramsLine, requestComponents(input));
  if (base === null) return false;
  try {
    return verify(null, Buffer.from(base, 'utf8'), key, claims.signature);
  } catch {
    return false; // e.g. a key that is not Ed25519: still just "not a valid signature"
  }
}

/**
 * verifySignedRequest checks a request in ARCHITECTURE §4's order, cheapest first: headers and
 * profile → key known and not revoked → `created` within ±skewSeconds and not before this
 * process started → Content-Digest → Ed25519 → nonce unseen (and the device within its rate).
 * The nonce is used up only after everything else passed, so a forged request cannot burn one.
 * The signature base takes `@authority` from input.authority, the agent's own name: a request
 * signed for another agent fails as `signature-invalid`, like any signature that does not verify.
 */
export function verifySignedRequest(input: SignedRequestInput, deps: VerifyDeps): VerifyResult {
  const claims = readClaims(input);
  if (typeof claims === 'string') return fail(claims);
  const found = deps.lookupKey(claims.keyid);
  if (found.state === 'unknown') return fail('unknown-key');
  if (found.state === 'revoked') return fail('device-revoked');
  const problem = checkTime(claims, deps) ?? checkDigest(input);
  if (problem !== null) return fail(problem);
  if (!signatureVerifies(input, claims, found.key)) return fail('signature-invalid');
  const admitted = deps.replay.admit(claims.keyid, claims.nonce);
  if (admitted === 'ok') return { ok: true, keyid: claims.keyid };
  if (admitted !== 'rate-limited') return fail(admitted);
  return {
    ok: false,
    code: admitted,
    retryAfterSeconds: deps.replay.retryAfterSeconds(claims.keyid),
  };
}

/** publicKeyObject makes a node:crypto verification key from a raw 32-byte Ed25519 public key. */
export function publicKeyObject(raw32: Uint8Array): KeyObject {
  if (raw32.length !== 32) throw new RangeError('an Ed25519 public key is 32 bytes');
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: toBase64url(raw32) },
    format: 'jwk',
  });
}
