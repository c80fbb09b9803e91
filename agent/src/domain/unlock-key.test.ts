// The unlock key: its signature, and every way a sealed passphrase can fail to open.
import { generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import nacl from 'tweetnacl';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fromBase64url, toBase64url } from '../../../shared/protocol/index.ts';
import { unlockKeyMessage } from '../../../shared/protocol/unlock-key.ts';
import type { UnlockRequest } from '../../../shared/unlock.ts';
import { ApiError } from '../errors.ts';
import { createUnlockKey } from './unlock-key.ts';

const identity = generateKeyPairSync('ed25519');
const makeKey = () =>
  createUnlockKey({
    bootId: 'boot-1',
    signWithIdentity: (bytes) => new Uint8Array(sign(null, bytes, identity.privateKey)),
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
  });

function seal(key: ReturnType<typeof makeKey>, plaintext: Uint8Array): UnlockRequest {
  const answer = key.response();
  const client = nacl.box.keyPair();
  const nonce = nacl.randomBytes(24);
  const box = nacl.box(
    plaintext,
    nonce,
    fromBase64url(answer.publicKey) as Uint8Array,
    client.secretKey,
  );
  return {
    keyId: answer.keyId,
    clientPublicKey: toBase64url(client.publicKey),
    nonce: toBase64url(nonce),
    box: toBase64url(box),
  };
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return error instanceof ApiError ? error.code : `not an ApiError: ${error}`;
  }
  return 'no error';
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createUnlockKey', () => {
  it('signs context ‖ bootId ‖ keyId ‖ publicKey with the identity key', () => {
    const answer = makeKey().response();
    const publicKey = fromBase64url(answer.publicKey) as Uint8Array;
    expect(publicKey).toHaveLength(32);
    expect(fromBase64url(answer.keyId)).toHaveLength(16);
    expect(answer.bootId).toBe('boot-1');
    const message = unlockKeyMessage('boot-1', answer.keyId, publicKey);
    const signature = fromBase64url(answer.signature) as Uint8Array;
    expect(verify(null, message, identity.publicKey, signature)).toBe(true);
    expect(
      verify(
        null,
        unlockKeyMessage('boot-2', answer.keyId, publicKey),
        identity.publicKey,
        signature,
      ),
    ).toBe(false);
  });

  it('publishes the X25519 public key tweetnacl derives from the same secret', () => {
    const seed = new Uint8Array(randomBytes(32));
    const key = createUnlockKey({
      bootId: 'boot-1',
      signWithIdentity: () => new Uint8Array(64),
      randomBytes: (n) => (n === 32 ? new Uint8Array(seed) : new Uint8Array(randomBytes(n))),
    });
    const expected = nacl.box.keyPair.fromSecretKey(seed).publicKey;
    expect(key.response().publicKey).toBe(toBase64url(expected));
  });

  it('makes a new key and key id at each start', () => {
    const [a, b] = [makeKey().response(), makeKey().response()];
    expect(a.keyId).not.toBe(b.keyId);
    expect(a.publicKey).not.toBe(b.publicKey);
  });

  it('opens the raw passphrase bytes and zeroes the shared key and the opened buffer', () => {
    const key = makeKey();
    const passphrase = new TextEncoder().encode('correct horse ✓');
    const sealed = seal(key, passphrase);
    const before = vi.spyOn(nacl.box, 'before');
    const open = vi.spyOn(nacl.secretbox, 'open');
    const opened = key.openSealedPassphrase(sealed);
    expect(Buffer.from(opened).equals(Buffer.from(passphrase))).toBe(true);
    const shared = before.mock.results[0]?.value as Uint8Array;
    const inner = open.mock.results[0]?.value as Uint8Array;
    expect(shared.every((b) => b === 0)).toBe(true);
    expect(new Uint8Array(inner.buffer).every((b) => b === 0)).toBe(true);
    expect(inner.buffer).not.toBe(opened.buffer);
  });

  it('answers unlock-key-stale for a box sealed to another key (an agent restart)', () => {
    const old = makeKey();
    const current = makeKey();
    const sealed = seal(old, new Uint8Array([1, 2, 3]));
    expect(codeOf(() => current.openSealedPassphrase(sealed))).toBe('unlock-key-stale');
    // Even the right box under a wrong id is refused before it is opened.
    const good = seal(current, new Uint8Array([1]));
    expect(codeOf(() => current.openSealedPassphrase({ ...good, keyId: 'AAAA' }))).toBe(
      'unlock-key-stale',
    );
  });

  it('answers sealed-box-invalid for garbage, a tampered box or a wrong nonce', () => {
    const key = makeKey();
    const sealed = seal(key, new TextEncoder().encode('secret'));
    const box = fromBase64url(sealed.box) as Uint8Array;
    box[box.length - 1] = (box[box.length - 1] as number) ^ 1;
    const cases: UnlockRequest[] = [
      { ...sealed, box: toBase64url(box) },
      { ...sealed, box: toBase64url(new Uint8Array(randomBytes(40))) },
      { ...sealed, nonce: toBase64url(new Uint8Array(24)) },
      { ...sealed, clientPublicKey: toBase64url(nacl.box.keyPair().publicKey) },
      { ...sealed, box: 'A'.repeat(21) }, // not canonical base64url
    ];
    for (const request of cases) {
      expect(codeOf(() => key.openSealedPassphrase(request))).toBe('sealed-box-invalid');
    }
  });

  it('answers passphrase-length for 0 bytes and for more than 512', () => {
    const key = makeKey();
    expect(codeOf(() => key.openSealedPassphrase(seal(key, new Uint8Array(0))))).toBe(
      'passphrase-length',
    );
    expect(codeOf(() => key.openSealedPassphrase(seal(key, new Uint8Array(513).fill(97))))).toBe(
      'passphrase-length',
    );
    expect(key.openSealedPassphrase(seal(key, new Uint8Array(512).fill(97)))).toHaveLength(512);
  });
});
