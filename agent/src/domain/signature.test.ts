import { describe, expect, it } from 'vitest';
import { toBase64, toBase64url, utf8Encode } from '../../../shared/protocol/index.ts';
import {
  freshNonce,
  goodParams,
  NOW_S,
  newKeyPair,
  type Params,
  setupVerifier as setup,
  sha256,
  WALL,
} from './signature.fixtures.ts';
import { publicKeyObject, verifySignedRequest } from './signature.ts';

/** PROFILE is what every signed request covers (and content-digest with a body). */
const PROFILE = ['@method', '@authority', '@path', '@query'];

/** change returns a function that sets (or, with null, drops) one signature parameter. */
const change =
  (name: string, value: string | number | null) =>
  (params: Params): Params =>
    value === null
      ? params.filter(([k]) => k !== name)
      : params.map(([k, v]): [string, string | number] => [k, k === name ? value : v]);

describe('verifySignedRequest accepts', () => {
  it('a GET and a POST with a body signed by shared signRequest', async () => {
    const { verify, signed, keyid } = await setup();
    expect(verify(await signed())).toEqual({ ok: true, keyid });
    const post = await signed({
      method: 'POST',
      path: '/api/v1/devices/pairing-codes',
      body: '{"name":"x"}',
    });
    expect(verify(post)).toEqual({ ok: true, keyid });
    expect(verify(await signed({ query: '?limit=5&before=9' }))).toEqual({ ok: true, keyid });
  });

  it('created at the edges of the skew window, and an expires still ahead', async () => {
    const { verify, signed, custom, keyid, state } = await setup();
    state.startedAt = WALL - 600_000;
    expect(verify(await signed({ created: NOW_S - 120 })).ok).toBe(true);
    expect(verify(await signed({ created: NOW_S + 120 })).ok).toBe(true);
    const params = goodParams(keyid);
    const withExpires = await custom(PROFILE, [...params, ['expires', NOW_S + 60]]);
    expect(verify(withExpires)).toEqual({ ok: true, keyid });
  });
});

describe('verifySignedRequest refuses', () => {
  it('a replayed request', async () => {
    const { verify, signed } = await setup();
    const request = await signed();
    expect(verify(request).ok).toBe(true);
    expect(verify(request)).toEqual({ ok: false, code: 'nonce-replayed' });
  });

  it('a tampered body, whether or not the digest was recomputed', async () => {
    const { verify, signed } = await setup();
    const request = await signed({ method: 'POST', body: '{"a":1}' });
    expect(verify({ ...request, body: utf8Encode('{"a":2}') })).toEqual({
      ok: false,
      code: 'digest-mismatch',
    });
    const body = utf8Encode('{"a":2}');
    const headers = {
      ...request.headers,
      'content-digest': `sha-256=:${toBase64(await sha256(body))}:`,
    };
    expect(verify({ ...request, body, headers })).toEqual({ ok: false, code: 'signature-invalid' });
  });

  it.each([
    ['path', { path: '/api/v1/devices' }],
    ['query', { query: '?limit=200' }],
    ['method', { method: 'DELETE' }],
  ])('a tampered %s', async (_what, change) => {
    const { verify, signed } = await setup();
    expect(verify({ ...(await signed()), ...change })).toEqual({
      ok: false,
      code: 'signature-invalid',
    });
  });

  it('a request signed for another agent, or with no authority of the agent’s to check', async () => {
    const { verify, signed } = await setup();
    const request = await signed({ authority: '127.0.0.1:8481' });
    expect(verify(request)).toEqual({ ok: false, code: 'signature-invalid' });
    const { authority: _dropped, ...unaddressed } = await signed();
    expect(verify(unaddressed)).toEqual({ ok: false, code: 'signature-invalid' });
  });

  it('the profile before @authority, as signature-outdated (an app from an older agent)', async () => {
    const { verify, custom, keyid } = await setup();
    const old = await custom(['@method', '@path', '@query'], goodParams(keyid));
    expect(verify(old)).toEqual({ ok: false, code: 'signature-outdated' });
    const withBody = await custom(
      ['@method', '@path', '@query', 'content-digest'],
      goodParams(keyid),
      '{}',
    );
    expect(verify(withBody)).toEqual({ ok: false, code: 'signature-outdated' });
  });

  it('a signature by another key under the device keyid', async () => {
    const { verify, signed } = await setup();
    const request = await signed({}, newKeyPair().privateKey);
    expect(verify(request)).toEqual({ ok: false, code: 'signature-invalid' });
  });

  it('a revoked device and an unknown key, before looking at anything else', async () => {
    const { verify, signed, state, deps } = await setup();
    const stale = await signed({ created: NOW_S - 1000 });
    state.revoked = true;
    expect(verify(stale)).toEqual({ ok: false, code: 'device-revoked' });
    const unknown = verifySignedRequest(stale, {
      ...deps,
      lookupKey: () => ({ state: 'unknown' }),
    });
    expect(unknown).toEqual({ ok: false, code: 'unknown-key' });
  });

  it('created outside the skew window, or an expires in the past', async () => {
    const { verify, signed, custom, keyid } = await setup();
    expect(verify(await signed({ created: NOW_S - 121 }))).toEqual({
      ok: false,
      code: 'clock-skew',
    });
    expect(verify(await signed({ created: NOW_S + 121 }))).toEqual({
      ok: false,
      code: 'clock-skew',
    });
    const params = goodParams(keyid);
    const expired = await custom(PROFILE, [...params, ['expires', NOW_S - 1]]);
    expect(verify(expired)).toEqual({ ok: false, code: 'clock-skew' });
  });

  it('a request created before this process started', async () => {
    const { verify, signed, state } = await setup();
    state.startedAt = WALL - 10_000;
    expect(verify(await signed({ created: NOW_S - 11 }))).toEqual({
      ok: false,
      code: 'created-before-start',
    });
    expect(verify(await signed({ created: NOW_S - 10 })).ok).toBe(true);
  });

  it('a body without a usable Content-Digest', async () => {
    const { verify, signed } = await setup();
    const request = await signed({ method: 'POST', body: '{}' });
    const { 'content-digest': _dropped, ...headers } = request.headers;
    expect(verify({ ...request, headers })).toEqual({ ok: false, code: 'digest-missing' });
    const sha512Only = { ...headers, 'content-digest': 'sha-512=:AAAA:' };
    expect(verify({ ...request, headers: sha512Only })).toEqual({
      ok: false,
      code: 'digest-missing',
    });
  });

  it('missing or unreadable signature headers', async () => {
    const { verify, signed } = await setup();
    const request = await signed();
    expect(verify({ ...request, headers: {} })).toEqual({ ok: false, code: 'signature-missing' });
    const garbage = { ...request.headers, signature: 'sig1=:not base64:' };
    expect(verify({ ...request, headers: garbage })).toEqual({
      ok: false,
      code: 'signature-malformed',
    });
  });

  it.each([
    ['an unknown parameter', (params: Params): Params => [...params, ['extra', 'x']]],
    ['no tag', change('tag', null)],
    ['no created', change('created', null)],
    ['another tag', change('tag', 'other')],
    ['another alg', change('alg', 'hmac-sha256')],
    ['a short nonce', change('nonce', 'abc')],
    ['a nonce outside base64url', change('nonce', `${'a'.repeat(20)}+`)],
    ['created as a string', change('created', String(NOW_S))],
  ])('a correctly signed request with %s', async (_why, edit) => {
    const { verify, custom, keyid } = await setup();
    const params = goodParams(keyid);
    const request = await custom(PROFILE, edit(params));
    expect(verify(request)).toEqual({ ok: false, code: 'signature-malformed' });
  });

  it.each([
    ['without @query', ['@method', '@authority', '@path'], null],
    ['covering an extra header', [...PROFILE, 'x-extra'], null],
    ['with a body but no content-digest covered', PROFILE, '{}'],
    ['covering content-digest without a body', [...PROFILE, 'content-digest'], null],
    ['without @authority nor @query', ['@method', '@path'], null],
  ])('a correctly signed request %s', async (_why, components, body) => {
    const { verify, custom, keyid } = await setup();
    const params = goodParams(keyid);
    // A digest header is there for the one case that covers it without a body.
    const emptyDigest = `sha-256=:${toBase64(await sha256(new Uint8Array(0)))}:`;
    const extra = { 'content-digest': emptyDigest, 'x-extra': '1' };
    const request = await custom(components, params, body, extra);
    expect(verify(request)).toEqual({ ok: false, code: 'signature-malformed' });
  });

  it('too many requests from one device, and a full replay cache', async () => {
    const limited = await setup({ burst: 1 });
    expect(limited.verify(await limited.signed()).ok).toBe(true);
    // With the bucket's Retry-After: a token comes back at 10 a second, so in 1 s.
    expect(limited.verify(await limited.signed())).toEqual({
      ok: false,
      code: 'rate-limited',
      retryAfterSeconds: 1,
    });
    const full = await setup({ maxEntries: 1 });
    expect(full.verify(await full.signed()).ok).toBe(true);
    expect(full.verify(await full.signed())).toEqual({ ok: false, code: 'replay-cache-full' });
  });
});

describe('nonces', () => {
  it('are not used up by a request whose signature failed', async () => {
    const { verify, signed, keyid } = await setup();
    const nonce = freshNonce();
    const forged = await signed({ nonce }, newKeyPair().privateKey);
    expect(verify(forged)).toEqual({ ok: false, code: 'signature-invalid' });
    const tampered = { ...(await signed({ nonce })), path: '/api/v1/devices' };
    expect(verify(tampered)).toEqual({ ok: false, code: 'signature-invalid' });
    expect(verify(await signed({ nonce }))).toEqual({ ok: true, keyid });
  });
});

describe('publicKeyObject', () => {
  it('makes an Ed25519 key from 32 raw bytes and refuses other lengths', () => {
    const { raw } = newKeyPair();
    const key = publicKeyObject(raw);
    expect(key.asymmetricKeyType).toBe('ed25519');
    expect(key.export({ format: 'jwk' }).x).toBe(toBase64url(raw));
    expect(() => publicKeyObject(raw.subarray(1))).toThrow(RangeError);
  });
});
