import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { KeyId } from '../api.ts';
import { keyIdFor } from './keyid.ts';

const sha256 = async (data: Uint8Array) =>
  new Uint8Array(createHash('sha256').update(data).digest());
// RFC 9421 Appendix B.1.4 test-key-ed25519, raw public key.
const rfcKey = new Uint8Array(
  Buffer.from('JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs', 'base64url'),
);

describe('keyIdFor', () => {
  it('is base64url of the first 16 bytes of SHA-256 of the raw key', async () => {
    const expected = createHash('sha256')
      .update(rfcKey)
      .digest()
      .subarray(0, 16)
      .toString('base64url');
    const id = await keyIdFor(rfcKey, sha256);
    expect(id).toBe(expected);
    expect(id).toHaveLength(22);
    expect(v.is(KeyId, id)).toBe(true);
  });

  it('differs per key and refuses keys that are not 32 bytes', async () => {
    expect(await keyIdFor(new Uint8Array(32).fill(1), sha256)).not.toBe(
      await keyIdFor(rfcKey, sha256),
    );
    await expect(keyIdFor(new Uint8Array(31), sha256)).rejects.toThrow(RangeError);
  });
});
