import { describe, expect, it } from 'vitest';
import { bytesEqual, concatBytes, utf8Encode } from './bytes.ts';

const samples = [
  '',
  'plain',
  'Grüße',
  '€',
  '𝄞 clef',
  'é\u0301',
  '\u0000\u007f\u0080\u07ff\u0800\uffff',
];

describe('utf8Encode', () => {
  it.each(samples)('matches TextEncoder for %j', (text) => {
    expect(utf8Encode(text)).toEqual(new TextEncoder().encode(text));
  });

  it('encodes lone surrogates as U+FFFD', () => {
    expect(utf8Encode('a\ud800b\udc00')).toEqual(
      new Uint8Array([0x61, 0xef, 0xbf, 0xbd, 0x62, 0xef, 0xbf, 0xbd]),
    );
    expect(utf8Encode('\ud834')).toEqual(new TextEncoder().encode('\ud834'));
  });
});

describe('concatBytes and bytesEqual', () => {
  it('joins in order', () => {
    expect(concatBytes(new Uint8Array([1]), new Uint8Array(0), new Uint8Array([2, 3]))).toEqual(
      new Uint8Array([1, 2, 3]),
    );
  });

  it('compares content and length', () => {
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]))).toBe(false);
  });
});
