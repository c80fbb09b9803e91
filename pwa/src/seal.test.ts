import nacl from 'tweetnacl';
import { describe, expect, it, vi } from 'vitest';
import { fromBase64url, toBase64url, utf8Encode } from '../../shared/protocol/index.ts';
import { unlockKeyMessage } from '../../shared/protocol/unlock-key.ts';
import { MAX_PASSPHRASE_BYTES } from '../../shared/unlock.ts';
import { PassphraseLengthError } from './api/errors.ts';
import { createDeviceKey } from './keys.ts';
import { passphraseBytes, sealPassphrase, verifyUnlockKey } from './seal.ts';

/** open plays the agent: it opens the box with its X25519 secret, as node tweetnacl would. */
function open(sealed: ReturnType<typeof sealPassphrase>, agentSecret: Uint8Array) {
  const decode = (text: string) => fromBase64url(text) as Uint8Array;
  return nacl.box.open(
    decode(sealed.box),
    decode(sealed.nonce),
    decode(sealed.clientPublicKey),
    agentSecret,
  );
}

describe('sealPassphrase', () => {
  it('seals the exact UTF-8 bytes so that only the agent’s key opens them', () => {
    const agent = nacl.box.keyPair();
    const bytes = passphraseBytes('correct horse · pässwörd 🔑');
    const sealed = sealPassphrase(bytes, agent.publicKey);
    expect(open(sealed, agent.secretKey)).toEqual(utf8Encode('correct horse · pässwörd 🔑'));
    expect(open(sealed, nacl.box.keyPair().secretKey)).toBeNull();
    // The caller's bytes are left for the caller to zero.
    expect(bytes).toEqual(utf8Encode('correct horse · pässwörd 🔑'));
  });

  it('uses a fresh client key and nonce every time, and zeroes the client secret', () => {
    const agent = nacl.box.keyPair();
    const made: nacl.BoxKeyPair[] = [];
    const keyPair = nacl.box.keyPair;
    const spy = vi.spyOn(nacl.box, 'keyPair').mockImplementation(() => {
      const pair = keyPair();
      made.push(pair);
      return pair;
    });
    try {
      const a = sealPassphrase(utf8Encode('same'), agent.publicKey);
      const b = sealPassphrase(utf8Encode('same'), agent.publicKey);
      expect(a.clientPublicKey).not.toBe(b.clientPublicKey);
      expect(a.nonce).not.toBe(b.nonce);
      expect(a.box).not.toBe(b.box);
      expect(fromBase64url(a.nonce)).toHaveLength(24);
      expect(made).toHaveLength(2);
      for (const pair of made) expect(pair.secretKey.every((byte) => byte === 0)).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => sealPassphrase(utf8Encode('x'), new Uint8Array(31))).toThrow(RangeError);
  });
});

describe('passphraseBytes', () => {
  const length = (text: string) => passphraseBytes(text).length;

  it('takes 1 to 512 bytes, counted in UTF-8 not characters', () => {
    expect(length('a')).toBe(1);
    expect(length('a'.repeat(MAX_PASSPHRASE_BYTES))).toBe(512);
    expect(length('é'.repeat(256))).toBe(512);
    expect(length(' padded  ')).toBe(9); // spaces are part of a passphrase: never trimmed
  });

  it('refuses empty and too long passphrases with their byte count', () => {
    const refusal = (text: string) => {
      try {
        passphraseBytes(text);
      } catch (error) {
        return error;
      }
      return null;
    };
    expect(refusal('')).toEqual(new PassphraseLengthError(0));
    expect(refusal('a'.repeat(513))).toMatchObject({ bytes: 513 });
    expect(refusal('€'.repeat(171))).toMatchObject({ bytes: 513 }); // 171 characters, 513 bytes
    expect(refusal('🔑'.repeat(129))).toMatchObject({ bytes: 516 });
    expect(refusal('x'.repeat(10_000))).toBeInstanceOf(PassphraseLengthError);
  });

  it('keeps the bytes as typed: no Unicode normalisation (LUKS compares bytes)', () => {
    expect(passphraseBytes('e\u0301')).toEqual(new Uint8Array([0x65, 0xcc, 0x81]));
    expect(passphraseBytes('\u00e9')).toEqual(new Uint8Array([0xc3, 0xa9]));
  });
});

describe('verifyUnlockKey', () => {
  async function signedKey() {
    const identity = await createDeviceKey();
    const x25519 = nacl.box.keyPair().publicKey;
    const message = unlockKeyMessage('boot-1', 'key-1', x25519);
    const signature = new Uint8Array(
      await crypto.subtle.sign('Ed25519', identity.keyPair.privateKey, message),
    );
    const answer = {
      keyId: 'key-1',
      bootId: 'boot-1',
      publicKey: toBase64url(x25519),
      signature: toBase64url(signature),
    };
    return { identity, x25519, answer };
  }

  it('accepts the pinned agent’s signature and answers the key', async () => {
    const { identity, x25519, answer } = await signedKey();
    const key = await verifyUnlockKey(answer, identity.publicKey);
    expect(key).toEqual({ keyId: 'key-1', bootId: 'boot-1', publicKey: x25519 });
  });

  it('refuses another signer, and any changed field', async () => {
    const { identity, answer } = await signedKey();
    const other = await createDeviceKey();
    expect(await verifyUnlockKey(answer, other.publicKey)).toBeNull();
    const swapped = toBase64url(nacl.box.keyPair().publicKey);
    for (const changed of [
      { ...answer, keyId: 'key-2' },
      { ...answer, bootId: 'boot-2' },
      { ...answer, publicKey: swapped },
      { ...answer, signature: toBase64url(new Uint8Array(64)) },
      { ...answer, signature: 'short' },
    ])
      expect(await verifyUnlockKey(changed, identity.publicKey)).toBeNull();
  });
});
