// Test support for the verifier's tests: a paired device, a verifier with a pinned clock, and
// ways to sign requests both as the PWA does and in any shape a test needs.
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import {
  keyIdFor,
  requestComponents,
  serializeSignatureParams,
  signatureBase,
  signRequest,
  toBase64,
  toBase64url,
  utf8Encode,
} from '../../../shared/protocol/index.ts';
import { ReplayGuard } from './replay-guard.ts';
import {
  publicKeyObject,
  type SignedRequestInput,
  type VerifyDeps,
  verifySignedRequest,
} from './signature.ts';

/** Params are signature parameters in the order they are written. */
export type Params = Array<[string, string | number]>;

/** The agent's pinned wall clock, ms, and the same in seconds. */
export const WALL = 1_700_000_000_000;
export const NOW_S = WALL / 1000;
/** sha256 is the injected hash, from node:crypto. */
export const sha256 = async (data: Uint8Array) =>
  new Uint8Array(createHash('sha256').update(data).digest());
/** AUTHORITY is the verifier's own name, the one its devices sign for. */
export const AUTHORITY = 'pi.test';
/** freshNonce makes 16 random bytes of nonce, as the PWA does. */
export const freshNonce = () => toBase64url(new Uint8Array(randomBytes(16)));

/** newKeyPair makes an Ed25519 key pair and its raw 32-byte public key. */
export function newKeyPair() {
  const pair = generateKeyPairSync('ed25519');
  const raw = new Uint8Array(
    Buffer.from(pair.publicKey.export({ format: 'jwk' }).x as string, 'base64url'),
  );
  return { raw, privateKey: pair.privateKey };
}

/**
 * setupVerifier pairs one device with a verifier whose clocks the test moves through `state`,
 * and gives ways to sign requests for it.
 */
export async function setupVerifier(replayOptions: { burst?: number; maxEntries?: number } = {}) {
  const device = newKeyPair();
  const keyid = await keyIdFor(device.raw, sha256);
  const state = { wall: WALL, mono: 0, startedAt: WALL - 60_000, revoked: false };
  const deps: VerifyDeps = {
    lookupKey: (id) => {
      if (id !== keyid) return { state: 'unknown' };
      return state.revoked
        ? { state: 'revoked' }
        : { state: 'active', key: publicKeyObject(device.raw) };
    },
    wallMs: () => state.wall,
    startedAtWallMs: () => state.startedAt,
    skewSeconds: 120,
    replay: new ReplayGuard({
      ttlMs: 240_000,
      maxEntries: replayOptions.maxEntries ?? 1000,
      ratePerSecond: 10,
      burst: replayOptions.burst ?? 100,
      monotonic: () => state.mono,
    }),
  };
  const signWith = (key: KeyObject) => async (data: Uint8Array) =>
    new Uint8Array(sign(null, data, key));

  /**
   * signed makes a request the PWA would send (shared signRequest), with overrides for tests;
   * `authority` is the one signed for, and the request arrives at AUTHORITY whatever it is.
   */
  async function signed(
    options: {
      method?: string;
      authority?: string;
      path?: string;
      query?: string;
      body?: string;
      created?: number;
      nonce?: string;
    } = {},
    key: KeyObject = device.privateKey,
  ): Promise<SignedRequestInput> {
    const {
      method = 'GET',
      authority = AUTHORITY,
      path = '/api/v1/status',
      query = '',
      created = NOW_S,
      nonce = freshNonce(),
    } = options;
    const body = options.body === undefined ? null : utf8Encode(options.body);
    const headers = await signRequest({
      method,
      authority,
      path,
      query,
      body,
      keyid,
      created,
      nonce,
      sign: signWith(key),
      sha256,
    });
    return { method, authority: AUTHORITY, path, query, headers, body };
  }

  /** custom signs whatever components and parameters it is given, correctly, with the device key. */
  async function custom(
    components: string[],
    params: Params,
    body: string | null = null,
    extraHeaders: Record<string, string> = {},
  ): Promise<SignedRequestInput> {
    const request = {
      method: 'POST',
      path: '/api/v1/lock',
      query: '',
      authority: AUTHORITY,
      headers: { ...extraHeaders },
    };
    const bytes = body === null ? null : utf8Encode(body);
    if (bytes) request.headers['content-digest'] = `sha-256=:${toBase64(await sha256(bytes))}:`;
    const paramsLine = serializeSignatureParams(components, params);
    const base = signatureBase(components, paramsLine, requestComponents(request)) as string;
    const signature = await signWith(device.privateKey)(utf8Encode(base));
    request.headers['signature-input'] = `sig1=${paramsLine}`;
    request.headers.signature = `sig1=:${toBase64(signature)}:`;
    return { ...request, body: bytes };
  }

  const verify = (input: SignedRequestInput) => verifySignedRequest(input, deps);
  return { keyid, device, state, deps, signed, custom, verify };
}

/** goodParams are the parameters our profile requires, with a fresh nonce. */
export const goodParams = (keyid: string): Params => [
  ['created', NOW_S],
  ['nonce', freshNonce()],
  ['keyid', keyid],
  ['alg', 'ed25519'],
  ['tag', 'immich-pi'],
];
