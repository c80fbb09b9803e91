// Interop: requests signed by the independent http-message-signatures library must verify, so our
// verifier follows RFC 9421 rather than only our own signer (ARCHITECTURE §4).
import { createHash, type KeyObject, sign } from 'node:crypto';
import { httpbis } from 'http-message-signatures';
import { describe, expect, it } from 'vitest';
import { freshNonce, setupVerifier, WALL } from './signature.fixtures.ts';
import type { SignedRequestInput } from './signature.ts';

interface LibraryRequest {
  method: string;
  url: string;
  body?: string;
  /** Signature label; the library's default is "sig". */
  name?: string;
  /** Parameter order as the library should write it. */
  params: string[];
}

async function signWithLibrary(
  request: LibraryRequest,
  keyid: string,
  privateKey: KeyObject,
): Promise<SignedRequestInput> {
  const headers: Record<string, string> = {};
  const body = request.body === undefined ? null : new Uint8Array(Buffer.from(request.body));
  if (body) {
    // Computed here with node:crypto, independently of shared/protocol/digest.ts.
    headers['Content-Digest'] = `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
  }
  const signed = await httpbis.signMessage(
    {
      key: { id: keyid, alg: 'ed25519', sign: async (data) => sign(null, data, privateKey) },
      name: request.name,
      params: request.params,
      fields: ['@method', '@authority', '@path', '@query', ...(body ? ['content-digest'] : [])],
      paramValues: { created: new Date(WALL), nonce: freshNonce(), tag: 'immich-pi' },
    },
    { method: request.method, url: request.url, headers },
  );
  const url = new URL(request.url);
  return {
    method: request.method,
    // The agent whose publicUrl this is checks the signature with its own name.
    authority: url.host,
    path: url.pathname,
    query: url.search,
    headers: Object.fromEntries(
      Object.entries(signed.headers).map(([name, value]) => [
        name.toLowerCase(),
        Array.isArray(value) ? value.join(', ') : value,
      ]),
    ),
    body,
  };
}

describe('verifySignedRequest with http-message-signatures', () => {
  it('accepts a GET without a body, in the library’s default label and parameter order', async () => {
    const { keyid, device, verify } = await setupVerifier();
    const request = await signWithLibrary(
      {
        method: 'GET',
        url: 'https://pi.example.ts.net/api/v1/status',
        params: ['keyid', 'alg', 'created', 'expires', 'nonce', 'tag'],
      },
      keyid,
      device.privateKey,
    );
    expect(request.headers['signature-input']).toMatch(
      /^sig=\("@method" "@authority" "@path" "@query"\);keyid=/,
    );
    expect(verify(request)).toEqual({ ok: true, keyid });
  });

  it('accepts a POST whose Content-Digest it covers', async () => {
    const { keyid, device, verify } = await setupVerifier();
    const request = await signWithLibrary(
      {
        method: 'POST',
        url: 'https://pi.example.ts.net/api/v1/devices/pairing-codes',
        body: '{"name":"Kitchen tablet"}',
        name: 'sig1',
        params: ['created', 'nonce', 'keyid', 'alg', 'tag'],
      },
      keyid,
      device.privateKey,
    );
    expect(request.headers['signature-input']).toContain('"content-digest"');
    expect(verify(request)).toEqual({ ok: true, keyid });
  });

  it('agrees on a percent-encoded path and query', async () => {
    const { keyid, device, verify } = await setupVerifier();
    const request = await signWithLibrary(
      {
        method: 'DELETE',
        url: 'https://pi.example.ts.net/api/v1/devices/a%2Fb%20c?why=lost%20phone&x',
        params: ['created', 'nonce', 'keyid', 'alg', 'tag'],
      },
      keyid,
      device.privateKey,
    );
    expect(verify(request)).toEqual({ ok: true, keyid });
  });

  it('refuses a library-signed request made for another agent', async () => {
    const { keyid, device, verify } = await setupVerifier();
    const request = await signWithLibrary(
      {
        method: 'GET',
        url: 'https://other-pi.example.ts.net/api/v1/status',
        params: ['created', 'nonce', 'keyid', 'alg', 'tag'],
      },
      keyid,
      device.privateKey,
    );
    expect(verify({ ...request, authority: 'pi.example.ts.net' })).toEqual({
      ok: false,
      code: 'signature-invalid',
    });
    expect(verify(request)).toEqual({ ok: true, keyid });
  });

  it('still refuses a library-signed request that was changed on the way', async () => {
    const { keyid, device, verify } = await setupVerifier();
    const request = await signWithLibrary(
      {
        method: 'POST',
        url: 'https://pi.example.ts.net/api/v1/lock',
        body: '{}',
        params: ['created', 'nonce', 'keyid', 'alg', 'tag'],
      },
      keyid,
      device.privateKey,
    );
    expect(verify({ ...request, path: '/api/v1/unlock' })).toEqual({
      ok: false,
      code: 'signature-invalid',
    });
  });
});
