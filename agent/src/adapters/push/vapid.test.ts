// VAPID keys and subject: fresh keys are a usable P-256 pair; subjects push services refuse are refused here.
import { createPublicKey, sign, verify } from 'node:crypto';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { checkVapidSubject, newVapidKeys, VapidKeysSchema } from './vapid.ts';

/** verifyKeyFor turns a 65-byte uncompressed point into a key that verifies ES256. */
function verifyKeyFor(publicKey: string) {
  const raw = Buffer.from(publicKey, 'base64url');
  const coordinate = (from: number) => raw.subarray(from, from + 32).toString('base64url');
  return createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: coordinate(1), y: coordinate(33) },
    format: 'jwk',
  });
}

describe('newVapidKeys', () => {
  it('makes a 65-byte public and 32-byte private key, different each time', () => {
    const keys = newVapidKeys();
    expect(Buffer.from(keys.publicKey, 'base64url')).toHaveLength(65);
    expect(Buffer.from(keys.publicKey, 'base64url')[0]).toBe(0x04);
    expect(Buffer.from(keys.privateKey, 'base64url')).toHaveLength(32);
    expect(keys.publicKey).not.toContain('=');
    expect(newVapidKeys().privateKey).not.toBe(keys.privateKey);
  });

  it('makes a pair: an ES256 signature from the private key verifies with the public one', () => {
    const keys = newVapidKeys();
    const raw = Buffer.from(keys.publicKey, 'base64url');
    const jwk = {
      kty: 'EC',
      crv: 'P-256',
      x: raw.subarray(1, 33).toString('base64url'),
      y: raw.subarray(33).toString('base64url'),
      d: keys.privateKey,
    };
    const data = Buffer.from('header.claims');
    const signature = sign('sha256', data, { key: jwk, format: 'jwk', dsaEncoding: 'ieee-p1363' });
    const key = verifyKeyFor(keys.publicKey);
    expect(verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
  });

  it('passes its own schema, for many pairs (private keys with leading zero bytes included)', () => {
    for (let i = 0; i < 300; i++) {
      expect(v.is(VapidKeysSchema, newVapidKeys())).toBe(true);
    }
  });
});

describe('VapidKeysSchema', () => {
  it('refuses wrong lengths, padding, and two halves of different pairs', () => {
    const a = newVapidKeys();
    const b = newVapidKeys();
    expect(v.is(VapidKeysSchema, { ...a, publicKey: a.publicKey.slice(1) })).toBe(false);
    expect(v.is(VapidKeysSchema, { ...a, privateKey: `${a.privateKey}=` })).toBe(false);
    expect(v.is(VapidKeysSchema, { publicKey: a.publicKey, privateKey: b.privateKey })).toBe(false);
    expect(v.is(VapidKeysSchema, { publicKey: a.publicKey })).toBe(false);
    const zero = Buffer.alloc(32).toString('base64url');
    expect(v.is(VapidKeysSchema, { publicKey: a.publicKey, privateKey: zero })).toBe(false);
  });
});

describe('checkVapidSubject', () => {
  it.each([
    'mailto:admin@example.org',
    'mailto:first.last+pi@mail.example.co.uk',
    'https://example.org',
    'https://photos.example.org/contact',
  ])('accepts %s', (subject) => {
    expect(checkVapidSubject(subject)).toBeNull();
  });

  it.each([
    ['', 'mailto: or https:'],
    ['admin@example.org', 'mailto: or https:'],
    ['http://example.org', 'mailto: or https:'],
    ['MAILTO:admin@example.org', 'mailto: or https:'],
    ['mailto:', 'one address'],
    ['mailto: admin@example.org', 'one address'],
    ['mailto:admin', 'one address'],
    ['mailto:a@example.org,b@example.org', 'one address'],
    ['mailto:admin@example.org?subject=hi', 'one address'],
    ['mailto:admin@localhost', 'not a public name'],
    ['mailto:admin@pi.local', 'not a public name'],
    ['mailto:admin@immich-pi.invalid', 'not a public name'],
    ['mailto:admin@mail.test', 'not a public name'],
    ['mailto:admin@foo.example', 'not a public name'],
    ['mailto:admin@intranet', 'not a public domain name'],
    ['mailto:admin@[127.0.0.1]', 'IP address'],
    ['mailto:admin@192.168.1.10', 'IP address'],
    ['https://localhost', 'not a public name'],
    ['https://localhost:8080/contact', 'not a public name'],
    ['https://app.localhost', 'not a public name'],
    ['https://immich-pi.local/', 'not a public name'],
    ['https://immich-pi.invalid/', 'not a public name'],
    ['https://pi.test', 'not a public name'],
    ['https://www.example', 'not a public name'],
    ['https://127.0.0.1', 'IP address'],
    ['https://[::1]/', 'IP address'],
    ['https://user:pw@example.org', 'user name'],
    ['https://', 'valid https: URL'],
    [`https://example.org/${'a'.repeat(300)}`, 'at most 256'],
  ])('refuses %j (%s)', (subject, reason) => {
    expect(checkVapidSubject(subject)).toContain(reason);
  });
});
