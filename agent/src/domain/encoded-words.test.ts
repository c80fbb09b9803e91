// RFC 2047 decoding of the identity headers tailscale serve sends. The Go-made values below are
// what `mime.QEncoding.Encode("utf-8", v)` answers (75-character words, split between runes).
import { describe, expect, it } from 'vitest';
import { decodeEncodedWords, decodeTailscaleHeader } from './encoded-words.ts';

describe('decodeEncodedWords', () => {
  it('reads what Go’s QEncoding writes: =XX bytes, _ for a space, several words', () => {
    expect(decodeEncodedWords('=?utf-8?q?j=C3=BCrgen@example.de?=')).toBe('jürgen@example.de');
    expect(decodeEncodedWords('=?utf-8?q?J=C3=BCrgen_M=C3=BCller?=')).toBe('Jürgen Müller');
    const long =
      '=?utf-8?q?J=C3=BCrgen_M=C3=BCller-L=C3=BCdenscheidt_von_und_zu_Gro=C3=9Fb?= ' +
      '=?utf-8?q?=C3=A4ckerei=5F=C3=9Cberlingen=3F?=';
    expect(decodeEncodedWords(long)).toBe(
      'Jürgen Müller-Lüdenscheidt von und zu Großbäckerei_Überlingen?',
    );
    const japanese =
      '=?utf-8?q?=E6=97=A5=E6=9C=AC=E8=AA=9E=E3=81=AE=E3=83=A6=E3=83=BC=E3=82=B6?= ' +
      '=?utf-8?q?=E3=83=BC=E5=90=8D=E3=81=AF?=';
    expect(decodeEncodedWords(japanese)).toBe('日本語のユーザー名は');
  });

  it('reads B words, either case of charset and encoding, and a language tag', () => {
    expect(decodeEncodedWords('=?UTF-8?B?asO8cmdlbkBleGFtcGxlLmRl?=')).toBe('jürgen@example.de');
    expect(decodeEncodedWords('=?Utf-8?b?w7w=?=')).toBe('ü');
    expect(decodeEncodedWords('=?utf-8?Q?=c3=bc?=')).toBe('ü');
    expect(decodeEncodedWords('=?utf-8*de?q?M=C3=BCller?=')).toBe('Müller');
  });

  it('joins adjacent words, even a character split between them, and keeps other text', () => {
    expect(decodeEncodedWords('=?utf-8?q?=C3?=\r\n =?utf-8?b?vA==?=')).toBe('ü');
    expect(decodeEncodedWords('=?utf-8?q?a?==?utf-8?q?b?=')).toBe('ab');
    expect(decodeEncodedWords('Hi =?utf-8?q?J=C3=BCrgen?= and =?utf-8?q?Ann?= !')).toBe(
      'Hi Jürgen and Ann !',
    );
    expect(decodeEncodedWords('owner@example.com')).toBe('owner@example.com');
    expect(decodeEncodedWords('')).toBe('');
    expect(decodeEncodedWords('=?utf-8?q??=')).toBe('');
  });

  it('answers null for a word that does not decode, and never throws', () => {
    for (const bad of [
      '=?iso-8859-1?q?j=FCrgen?=', // another charset
      '=?utf-8?q?j=C3=Brgen?=', // `=` without two hex digits
      '=?utf-8?q?=C3?=', // half a character
      '=?utf-8?q?=FF=FE?=', // not UTF-8 at all
      '=?utf-8?q?a=?=',
      '=?utf-8?q?j\u00fcrgen?=', // raw non-ASCII inside a word
      '=?utf-8?b?w7w?=', // base64 without its padding
      '=?utf-8?b?w7w*?=',
      'ok =?utf-8?q?fine?= =?utf-8?q?=ZZ?=',
    ]) {
      expect(decodeEncodedWords(bad)).toBeNull();
    }
  });

  it('leaves text that only looks like a word alone', () => {
    for (const text of ['=?utf-8?x?abc?=', '=?utf-8?q?no end', '=?', '?=', '=??q?a?=']) {
      expect(decodeEncodedWords(text)).toBe(text);
    }
  });
});

describe('decodeTailscaleHeader', () => {
  it('decodes what needed encoding and passes ASCII through', () => {
    expect(decodeTailscaleHeader('=?utf-8?q?j=C3=BCrgen@example.de?=')).toBe('jürgen@example.de');
    expect(decodeTailscaleHeader('owner@example.com')).toBe('owner@example.com');
    expect(decodeTailscaleHeader('')).toBe('');
  });

  it('reads a value Go would never have encoded, or one that does not decode, as it stands', () => {
    for (const literal of [
      '=?utf-8?q?owner@example.com?=',
      '=?utf-8?b?b3duZXJAZXhhbXBsZS5jb20=?=',
      '=?utf-8?q?=FF?=',
    ]) {
      expect(decodeTailscaleHeader(literal)).toBe(literal);
    }
    // A control character is outside printable ASCII: Go encodes it, so it is decoded.
    expect(decodeTailscaleHeader('=?utf-8?q?a=01b?=')).toBe('a\u0001b');
  });
});
