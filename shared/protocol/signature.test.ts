import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
} from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromBase64 } from './base64url.ts';
import { utf8Encode } from './bytes.ts';
import {
  parseSignatureHeaders,
  requestComponents,
  serializeSignatureParams,
  signatureBase,
  signRequest,
} from './signature.ts';

// RFC 9421 Appendix B.1.4: test-key-ed25519.
const RFC_PUBLIC_PEM = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=
-----END PUBLIC KEY-----`;
const RFC_PRIVATE_PEM = `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF
-----END PRIVATE KEY-----`;

// RFC 9421 Appendix B.2 example request, and B.2.6 "Signing a Request Using ed25519".
const RFC_REQUEST = {
  method: 'POST',
  path: '/foo',
  query: '?param=Value&Pet=dog',
  authority: 'example.com',
  headers: {
    host: 'example.com',
    date: 'Tue, 20 Apr 2021 02:07:55 GMT',
    'content-type': 'application/json',
    'content-digest':
      'sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:',
    'content-length': '18',
  },
};
const B26_COMPONENTS = ['date', '@method', '@path', '@authority', 'content-type', 'content-length'];
const B26_PARAMS =
  '("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"';
const B26_BASE = [
  '"date": Tue, 20 Apr 2021 02:07:55 GMT',
  '"@method": POST',
  '"@path": /foo',
  '"@authority": example.com',
  '"content-type": application/json',
  '"content-length": 18',
  `"@signature-params": ${B26_PARAMS}`,
].join('\n');
const B26_SIGNATURE =
  'wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==';

const sha256 = async (data: Uint8Array) =>
  new Uint8Array(createHash('sha256').update(data).digest());

describe('RFC 9421 Appendix B.2.6 (ed25519)', () => {
  const paramsLine = serializeSignatureParams(B26_COMPONENTS, [
    ['created', 1618884473],
    ['keyid', 'test-key-ed25519'],
  ]);
  const base = signatureBase(B26_COMPONENTS, paramsLine, requestComponents(RFC_REQUEST));

  it('serialises the signature parameters and builds the signature base byte for byte', () => {
    expect(paramsLine).toBe(B26_PARAMS);
    expect(base).toBe(B26_BASE);
  });

  it("verifies the RFC's signature with the RFC's public key", () => {
    const signature = Buffer.from(B26_SIGNATURE, 'base64');
    const key = createPublicKey(RFC_PUBLIC_PEM);
    expect(verify(null, utf8Encode(base as string), key, signature)).toBe(true);
    expect(verify(null, utf8Encode(`${base} `), key, signature)).toBe(false);
  });

  it("signs to the RFC's signature with the RFC's private key (Ed25519 is deterministic)", () => {
    const signature = sign(null, utf8Encode(base as string), createPrivateKey(RFC_PRIVATE_PEM));
    expect(signature.toString('base64')).toBe(B26_SIGNATURE);
  });

  it("parses the RFC's headers back into the same components, parameters and signature", () => {
    const parsed = parseSignatureHeaders(`sig-b26=${B26_PARAMS}`, `sig-b26=:${B26_SIGNATURE}:`);
    expect(parsed).toEqual({
      ok: true,
      label: 'sig-b26',
      components: B26_COMPONENTS,
      params: new Map<string, string | number>([
        ['created', 1618884473],
        ['keyid', 'test-key-ed25519'],
      ]),
      paramsLine: B26_PARAMS,
      signature: fromBase64(B26_SIGNATURE),
    });
  });
});

describe('requestComponents', () => {
  const value = requestComponents({
    method: 'get',
    path: '',
    query: '',
    headers: { 'x-padded': '  a b  ', 'content-digest': 'sha-256=:x:' },
  });

  it('derives @method, @path and @query with their RFC defaults', () => {
    expect(value('@method')).toBe('GET');
    expect(value('@path')).toBe('/');
    expect(value('@query')).toBe('?');
    expect(requestComponents({ ...RFC_REQUEST, query: '?a=1&b' })('@query')).toBe('?a=1&b');
  });

  it('reads header fields by lower-case name, trimmed, and nothing else', () => {
    expect(value('x-padded')).toBe('a b');
    expect(value('content-digest')).toBe('sha-256=:x:');
    expect(value('date')).toBeNull();
    expect(value('constructor')).toBeNull();
    expect(value('@authority')).toBeNull();
    expect(value('@target-uri')).toBeNull();
  });
});

describe('signatureBase', () => {
  const value = requestComponents(RFC_REQUEST);

  it('is null when a component is missing, repeated or would break a line', () => {
    expect(signatureBase(['@method', 'x-missing'], '()', value)).toBeNull();
    expect(signatureBase(['@method', '@method'], '()', value)).toBeNull();
    expect(signatureBase(['@signature-params'], '()', value)).toBeNull();
    expect(signatureBase(['x-bad'], '()', () => 'a\nb')).toBeNull();
  });

  it('ends with the parameters line and no newline', () => {
    expect(signatureBase([], '();created=1', value)).toBe('"@signature-params": ();created=1');
  });
});

describe('parseSignatureHeaders', () => {
  const input = 'sig1=("@method" "@path" "@query");created=1;nonce="n";keyid="k";alg="ed25519"';
  const signature = `sig1=:${Buffer.alloc(64, 1).toString('base64')}:`;

  it('accepts any label used in both headers and re-serialises the parameters canonically', () => {
    const parsed = parseSignatureHeaders(
      input.replace('sig1', 'x').replace(';nonce', '; nonce'),
      signature.replace('sig1', 'x'),
    );
    expect(parsed).toMatchObject({
      ok: true,
      label: 'x',
      components: ['@method', '@path', '@query'],
      paramsLine: input.slice('sig1='.length),
    });
  });

  it.each([
    ['no Signature-Input', undefined, signature],
    ['no Signature', input, undefined],
    ['an empty Signature', input, '  '],
  ])('says signature-missing for %s', (_why, i, s) => {
    expect(parseSignatureHeaders(i, s)).toEqual({ ok: false, code: 'signature-missing' });
  });

  it.each([
    ['two signatures', `${input}, sig2=()`, `${signature}, sig2=:AA==:`],
    ['different labels', input, signature.replace('sig1', 'sig2')],
    ['a signature that is not bytes', input, 'sig1="abc"'],
    ['an input that is not an inner list', 'sig1="@method"', signature],
    ['a component with parameters', 'sig1=("@method";req)', signature],
    ['a component that is not a string', 'sig1=(method)', signature],
    ['a token parameter', 'sig1=("@method");alg=ed25519', signature],
    ['a byte-sequence parameter', 'sig1=("@method");nonce=:AA==:', signature],
    ['syntax errors', 'sig1=("@method"', signature],
    ['an oversized header', `sig1=("@method");keyid="${'k'.repeat(5000)}"`, signature],
  ])('says signature-malformed for %s', (_why, i, s) => {
    expect(parseSignatureHeaders(i, s)).toEqual({ ok: false, code: 'signature-malformed' });
  });
});

describe('signRequest', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const signBytes = async (data: Uint8Array) => new Uint8Array(sign(null, data, privateKey));
  const common = {
    keyid: 'device-1',
    created: 1700000000,
    nonce: 'bm9uY2Utbm9uY2Utbm9uY2U',
    sign: signBytes,
    sha256,
  };

  async function verifyHeaders(
    request: { method: string; authority: string; path: string; query: string },
    headers: Record<string, string>,
  ) {
    const parsed = parseSignatureHeaders(headers['signature-input'], headers.signature);
    if (!parsed.ok) throw new Error(parsed.code);
    const base = signatureBase(
      parsed.components,
      parsed.paramsLine,
      requestComponents({ ...request, headers }),
    );
    return { parsed, valid: verify(null, utf8Encode(base as string), publicKey, parsed.signature) };
  }

  it('signs method, authority, path and query of a request without a body', async () => {
    const request = {
      method: 'GET',
      authority: 'pi.tail1234.ts.net',
      path: '/api/v1/status',
      query: '',
    };
    const headers = await signRequest({ ...request, ...common });
    expect(Object.keys(headers).sort()).toEqual(['signature', 'signature-input']);
    expect(headers['signature-input']).toBe(
      'sig1=("@method" "@authority" "@path" "@query");created=1700000000;nonce="bm9uY2Utbm9uY2Utbm9uY2U";keyid="device-1";alg="ed25519";tag="immich-pi"',
    );
    const { valid } = await verifyHeaders(request, headers);
    expect(valid).toBe(true);
    expect((await verifyHeaders({ ...request, query: '?x=1' }, headers)).valid).toBe(false);
  });

  it('binds the signature to the authority it was made for, in any letter case', async () => {
    const request = {
      method: 'GET',
      authority: '127.0.0.1:8480',
      path: '/api/v1/status',
      query: '',
    };
    const headers = await signRequest({ ...request, ...common });
    const other = { ...request, authority: '127.0.0.1:8481' };
    expect((await verifyHeaders(other, headers)).valid).toBe(false);
    const named = await signRequest({ ...request, authority: 'Pi.Example', ...common });
    expect((await verifyHeaders({ ...request, authority: 'pi.example' }, named)).valid).toBe(true);
  });

  it('adds and covers content-digest when there is a body', async () => {
    const request = {
      method: 'POST',
      authority: 'pi.tail1234.ts.net',
      path: '/api/v1/devices/pairing-codes',
      query: '',
    };
    const body = utf8Encode('{"hello": "world"}');
    const headers = await signRequest({ ...request, body, ...common });
    expect(headers['content-digest']).toBe(
      'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:',
    );
    const { parsed, valid } = await verifyHeaders(request, headers);
    expect(parsed.components).toEqual([
      '@method',
      '@authority',
      '@path',
      '@query',
      'content-digest',
    ]);
    expect(valid).toBe(true);
    const tampered = {
      ...headers,
      'content-digest': 'sha-256=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:',
    };
    expect((await verifyHeaders(request, tampered)).valid).toBe(false);
  });

  it('treats an empty body as no body', async () => {
    const headers = await signRequest({
      method: 'POST',
      authority: 'pi.test',
      path: '/x',
      query: '',
      body: new Uint8Array(0),
      ...common,
    });
    expect(headers['content-digest']).toBeUndefined();
  });

  it('refuses a nonce, created time or authority the agent would refuse', async () => {
    const request = { method: 'GET', authority: 'pi.test', path: '/', query: '' };
    await expect(signRequest({ ...request, ...common, nonce: 'short' })).rejects.toThrow(
      RangeError,
    );
    await expect(signRequest({ ...request, ...common, created: 1.5 })).rejects.toThrow(RangeError);
    await expect(signRequest({ ...request, ...common, authority: '' })).rejects.toThrow(RangeError);
  });
});
