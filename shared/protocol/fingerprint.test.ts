import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toCrockfordBase32 } from './base32.ts';
import { fingerprintFor } from './fingerprint.ts';

const sha256 = async (data: Uint8Array) =>
  new Uint8Array(createHash('sha256').update(data).digest());
// RFC 9421 Appendix B.1.4 test-key-ed25519, raw public key.
const rfcKey = new Uint8Array(
  Buffer.from('JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs', 'base64url'),
);

describe('fingerprintFor', () => {
  it('is 16 Crockford characters of SHA-256(agentKey)[0..10] in groups of four', async () => {
    const head = createHash('sha256').update(rfcKey).digest().subarray(0, 10);
    const plain = toCrockfordBase32(new Uint8Array(head));
    const fingerprint = await fingerprintFor(rfcKey, sha256);
    expect(fingerprint).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    expect(fingerprint.replaceAll('-', '')).toBe(plain);
  });

  it('changes when the key changes', async () => {
    const other = new Uint8Array(rfcKey);
    other[0] = (other[0] as number) ^ 1;
    expect(await fingerprintFor(other, sha256)).not.toBe(await fingerprintFor(rfcKey, sha256));
  });
});
