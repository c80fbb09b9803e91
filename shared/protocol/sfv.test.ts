import { describe, expect, it } from 'vitest';
import { MAX_FIELD_LENGTH, parseDictionary, StructuredFieldError, Token } from './sfv.ts';
import {
  serializeBareItem,
  serializeDictionary,
  serializeInnerList,
  serializeParameters,
} from './sfv-serialize.ts';

describe('parseDictionary', () => {
  it('reads an RFC 9421 Signature-Input member', () => {
    const dictionary = parseDictionary(
      'sig1=("@method" "@authority" "@path");created=1618884475;keyid="test-key-rsa-pss"',
    );
    const member = dictionary.get('sig1');
    expect(member?.kind).toBe('inner-list');
    if (member?.kind !== 'inner-list') return;
    expect(member.items.map((item) => item.value)).toEqual(['@method', '@authority', '@path']);
    expect([...member.params]).toEqual([
      ['created', 1618884475],
      ['keyid', 'test-key-rsa-pss'],
    ]);
  });

  it('reads every bare item kind, parameters and whitespace between members', () => {
    const dictionary = parseDictionary(
      '  a=-42, b="say \\"hi\\" \\\\o/";x, c=tok/en:1 ,\td=:AQID:;p=?0, e, f=()',
    );
    expect(dictionary.get('a')).toEqual({ kind: 'item', value: -42, params: new Map() });
    expect(dictionary.get('b')).toEqual({
      kind: 'item',
      value: 'say "hi" \\o/',
      params: new Map([['x', true]]),
    });
    expect(dictionary.get('c')).toEqual({
      kind: 'item',
      value: new Token('tok/en:1'),
      params: new Map(),
    });
    expect(dictionary.get('d')).toEqual({
      kind: 'item',
      value: new Uint8Array([1, 2, 3]),
      params: new Map([['p', false]]),
    });
    expect(dictionary.get('e')).toEqual({ kind: 'item', value: true, params: new Map() });
    expect(dictionary.get('f')).toEqual({ kind: 'inner-list', items: [], params: new Map() });
  });

  it('parses the empty field as an empty dictionary', () => {
    expect(parseDictionary('').size).toBe(0);
  });

  it('serialises what it parsed back to the same canonical text', () => {
    const text =
      'sig1=("@method" "@path" "@query");created=1;nonce="n";tag="t", d=:AQID:, e;x, t=*tok';
    expect(serializeDictionary(parseDictionary(text))).toBe(text);
    // RFC 8941 §4.1.1.2: a true parameter is written as its bare key.
    expect(serializeDictionary(parseDictionary('a=1;x=?1;y=?0'))).toBe('a=1;x;y=?0');
  });

  it.each([
    ['a missing value', 'sig1='],
    ['an unclosed inner list', 'sig1=("a" "b"'],
    ['inner list items without a space', 'sig1=("a""b")'],
    ['a trailing comma', 'a=1,'],
    ['an empty member', 'a=1,,b=2'],
    ['a missing comma', 'a=1 b=2'],
    ['junk after an inner list', 'a=("x")y'],
    ['an upper-case key', 'A=1'],
    ['a key starting with a digit', '1a=1'],
    ['a decimal', 'a=1.5'],
    ['a 16-digit integer', 'a=1234567890123456'],
    ['a lone minus', 'a=-'],
    ['a bad escape', 'a="\\x"'],
    ['an unterminated string', 'a="abc'],
    ['a tab inside a string', 'a="a\tb"'],
    ['non-ASCII', 'a="é"'],
    ['unpadded base64', 'a=:AQ:'],
    ['a foreign character in base64', 'a=:A?==:'],
    ['an unterminated byte sequence', 'a=:AQ=='],
    ['a bad boolean', 'a=?2'],
    ['a repeated key', 'a=1, a=2'],
    ['a repeated parameter', 'a=1;p=1;p=2'],
    ['an RFC 9651 date', 'a=@1'],
    ['an RFC 9651 display string', 'a=%"x"'],
    ['a control character', 'a=1\u0000'],
  ])('refuses %s', (_why, text) => {
    expect(() => parseDictionary(text)).toThrow(StructuredFieldError);
  });

  it(`refuses field values longer than ${MAX_FIELD_LENGTH} characters`, () => {
    const long = `a="${'x'.repeat(MAX_FIELD_LENGTH)}"`;
    expect(() => parseDictionary(long)).toThrow(StructuredFieldError);
    expect(parseDictionary(`${long.slice(0, MAX_FIELD_LENGTH - 1)}"`).size).toBe(1);
  });
});

describe('serialisers', () => {
  it('writes an inner list with parameters', () => {
    const text = serializeInnerList({
      kind: 'inner-list',
      items: [
        { kind: 'item', value: '@method', params: new Map() },
        { kind: 'item', value: 'content-digest', params: new Map([['req', true]]) },
      ],
      params: new Map<string, number | string>([
        ['created', 1700000000],
        ['keyid', 'k"1'],
      ]),
    });
    expect(text).toBe('("@method" "content-digest";req);created=1700000000;keyid="k\\"1"');
  });

  it('writes each bare item kind', () => {
    expect(serializeBareItem(-7)).toBe('-7');
    expect(serializeBareItem('a\\b')).toBe('"a\\\\b"');
    expect(serializeBareItem(new Token('ed25519'))).toBe('ed25519');
    expect(serializeBareItem(new Uint8Array([1, 2, 3]))).toBe(':AQID:');
    expect(serializeBareItem(true)).toBe('?1');
    expect(serializeParameters(new Map([['a', true]]))).toBe(';a');
  });

  it.each([
    ['a decimal', 1.5],
    ['a 16-digit integer', 1e15],
    ['a newline in a string', 'a\nb'],
    ['non-ASCII in a string', 'é'],
    ['a token starting with a digit', new Token('1x')],
  ])('refuses to write %s', (_why, value) => {
    expect(() => serializeBareItem(value)).toThrow(StructuredFieldError);
  });

  it('refuses to write a key that is not one', () => {
    expect(() => serializeParameters(new Map([['Key', 1]]))).toThrow(StructuredFieldError);
  });
});
