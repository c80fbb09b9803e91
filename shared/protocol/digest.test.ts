import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { utf8Encode } from './bytes.ts';
import { contentDigestFor, parseContentDigest } from './digest.ts';

const sha256 = async (data: Uint8Array) =>
  new Uint8Array(createHash('sha256').update(data).digest());
// RFC 9530 §2 / RFC 9421 Appendix B.2: the example body and its sha-256 Content-Digest.
const body = utf8Encode('{"hello": "world"}');
const RFC_DIGEST = 'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:';
const RFC_SHA512 =
  'sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:';

describe('contentDigestFor', () => {
  it("matches RFC 9530's example", async () => {
    expect(await contentDigestFor(body, sha256)).toBe(RFC_DIGEST);
  });
});

describe('parseContentDigest', () => {
  it('returns the sha-256 bytes', async () => {
    expect(parseContentDigest(RFC_DIGEST)).toEqual(await sha256(body));
  });

  it('ignores other algorithms around it', async () => {
    expect(parseContentDigest(`${RFC_SHA512}, ${RFC_DIGEST}`)).toEqual(await sha256(body));
  });

  it.each([
    ['only another algorithm', RFC_SHA512],
    ['a short digest', 'sha-256=:AAAA:'],
    ['a string instead of bytes', 'sha-256="X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="'],
    ['a digest in an inner list', 'sha-256=(:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:)'],
    ['the old Digest header syntax', 'SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE='],
    ['two sha-256 members', `${RFC_DIGEST}, ${RFC_DIGEST}`],
    ['nothing', ''],
  ])('answers null for %s', (_why, header) => {
    expect(parseContentDigest(header)).toBeNull();
  });
});
