import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromBase64, fromBase64url, toBase64, toBase64url } from './base64url.ts';

describe('base64url', () => {
  it('round-trips every length against Buffer', () => {
    for (let length = 0; length < 70; length++) {
      const bytes = new Uint8Array(randomBytes(length));
      const text = toBase64url(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
      expect(fromBase64url(text)).toEqual(bytes);
    }
  });

  it('uses - and _ and no padding', () => {
    expect(toBase64url(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe('-_-_');
    expect(toBase64url(new Uint8Array([1]))).toBe('AQ');
  });

  it.each([
    ['padding', 'AQ=='],
    ['standard alphabet', '+/+/'],
    ['a length that no byte string has', 'AAAAA'],
    ['non-zero trailing bits', 'AR'],
    ['non-zero trailing bits of a 2-byte tail', 'AAB'],
    ['whitespace', 'AA AA'],
    ['non-ASCII', 'AAAé'],
  ])('refuses %s', (_why, text) => {
    expect(fromBase64url(text)).toBeNull();
  });

  it('decodes the empty string to no bytes', () => {
    expect(fromBase64url('')).toEqual(new Uint8Array(0));
  });
});

describe('standard base64 (RFC 8941 byte sequences)', () => {
  it('round-trips every length against Buffer', () => {
    for (let length = 0; length < 70; length++) {
      const bytes = new Uint8Array(randomBytes(length));
      const text = toBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(fromBase64(text)).toEqual(bytes);
    }
  });

  it.each([
    ['missing padding', 'AQ'],
    ['too much padding', 'A==='],
    ['padding in the middle', 'AQ==AQ=='],
    ['the url-safe alphabet', '-_-_'],
    ['non-zero trailing bits', 'AR=='],
  ])('refuses %s', (_why, text) => {
    expect(fromBase64(text)).toBeNull();
  });
});
