import { describe, expect, it } from 'vitest';
import { unlockKeyMessage } from './unlock-key.ts';

describe('unlockKeyMessage', () => {
  it('is context ‖ bootId ‖ keyId ‖ publicKey, byte for byte', () => {
    const key = new Uint8Array(32).map((_, i) => i);
    const message = unlockKeyMessage('boot-é', 'KID', key);
    const expected = Buffer.concat([
      Buffer.from('immich-pi/unlock-key/v1', 'utf8'),
      Buffer.from('boot-é', 'utf8'),
      Buffer.from('KID', 'utf8'),
      Buffer.from(key),
    ]);
    expect(Buffer.from(message).equals(expected)).toBe(true);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => unlockKeyMessage('b', 'k', new Uint8Array(31))).toThrow(RangeError);
  });
});
