import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toCrockfordBase32 } from './base32.ts';

// Reference: read the bytes as one big number and write it in base 32, 5 bits per digit.
function referenceCrockford(bytes: Uint8Array): string {
  const bits = bytes.length * 8;
  const digits = Math.ceil(bits / 5);
  let n = BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`) << BigInt(digits * 5 - bits);
  let out = '';
  for (let i = 0; i < digits; i++) {
    out = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'[Number(n & 31n)] + out;
    n >>= 5n;
  }
  return out;
}

describe('toCrockfordBase32', () => {
  it('encodes the extremes', () => {
    expect(toCrockfordBase32(new Uint8Array(5))).toBe('00000000');
    expect(toCrockfordBase32(new Uint8Array(5).fill(0xff))).toBe('ZZZZZZZZ');
    expect(toCrockfordBase32(new Uint8Array([0x08]))).toBe('10');
  });

  it('matches a big-number reference for random input of every length', () => {
    for (let length = 1; length <= 12; length++) {
      const bytes = new Uint8Array(randomBytes(length));
      expect(toCrockfordBase32(bytes)).toBe(referenceCrockford(bytes));
    }
  });
});
