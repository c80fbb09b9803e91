// The quick-unlock envelope: only the same PRF secret, salt, agent key, credential and IV open it.
import { describe, expect, it } from 'vitest';
import { utf8Encode } from '../../../shared/protocol/index.ts';
import {
  deriveEnvelopeKey,
  type Envelope,
  EnvelopeOpenError,
  openEnvelope,
  sealEnvelope,
} from './envelope.ts';

const filled = (byte: number, length = 32) => new Uint8Array(length).fill(byte);
const SECRET = filled(1);
const SALT = filled(2);
const AGENT_KEY = filled(3);
const CREDENTIAL = filled(4, 16);
const PASSPHRASE = 'correct horse battery staple ünïcode';

async function sealed(): Promise<Envelope> {
  const key = await deriveEnvelopeKey(SECRET, SALT, AGENT_KEY);
  return sealEnvelope(key, utf8Encode(PASSPHRASE), CREDENTIAL);
}

async function opened(
  envelope: Envelope,
  change: { secret?: Uint8Array; salt?: Uint8Array; agentKey?: Uint8Array; aad?: Uint8Array } = {},
) {
  const key = await deriveEnvelopeKey(
    new Uint8Array(change.secret ?? SECRET),
    change.salt ?? SALT,
    change.agentKey ?? AGENT_KEY,
  );
  return openEnvelope(key, envelope, change.aad ?? CREDENTIAL);
}

describe('the quick-unlock envelope', () => {
  it('opens to the same passphrase bytes, and the ciphertext is not them', async () => {
    const envelope = await sealed();
    expect(envelope.iv).toHaveLength(12);
    expect(new TextDecoder().decode(envelope.ciphertext)).not.toContain('horse');
    expect(new TextDecoder().decode(await opened(envelope))).toBe(PASSPHRASE);
  });

  it('uses a fresh IV each time', async () => {
    const [a, b] = [await sealed(), await sealed()];
    expect(a.iv).not.toEqual(b.iv);
    expect(a.ciphertext).not.toEqual(b.ciphertext);
  });

  it('makes a key WebCrypto will not export', async () => {
    const key = await deriveEnvelopeKey(SECRET, SALT, AGENT_KEY);
    expect(key.extractable).toBe(false);
    expect(key.algorithm).toMatchObject({ name: 'AES-GCM', length: 256 });
    await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow();
  });

  it.each([
    ['another PRF secret', { secret: filled(9) }],
    ['another salt', { salt: filled(9) }],
    ['another agent’s key (the info string binds it)', { agentKey: filled(9) }],
    ['another credential id', { aad: filled(9, 16) }],
  ])('does not open with %s', async (_, change) => {
    await expect(opened(await sealed(), change)).rejects.toBeInstanceOf(EnvelopeOpenError);
  });

  it('does not open with a tampered IV or ciphertext', async () => {
    const envelope = await sealed();
    const iv = envelope.iv.slice();
    iv[0] = (iv[0] ?? 0) ^ 1;
    await expect(opened({ ...envelope, iv })).rejects.toBeInstanceOf(EnvelopeOpenError);
    const ciphertext = envelope.ciphertext.slice();
    ciphertext[3] = (ciphertext[3] ?? 0) ^ 1;
    await expect(opened({ ...envelope, ciphertext })).rejects.toBeInstanceOf(EnvelopeOpenError);
  });

  it('refuses a secret or salt that is not 32 bytes', async () => {
    await expect(deriveEnvelopeKey(filled(1, 31), SALT, AGENT_KEY)).rejects.toThrow(RangeError);
    await expect(deriveEnvelopeKey(SECRET, filled(2, 16), AGENT_KEY)).rejects.toThrow(RangeError);
  });
});
