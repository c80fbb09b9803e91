// The agent's Ed25519 identity: made at first start, kept in identity.json (0600), pinned by phones.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
} from 'node:crypto';
import * as v from 'valibot';
import { fromBase64url } from '../../../shared/protocol/index.ts';
import type { StateFile } from './state-store/index.ts';

export const IdentityState = v.object({
  /** PKCS#8 DER of the private key, base64url. */
  privateKey: v.string(),
});
export type IdentityState = v.InferOutput<typeof IdentityState>;

export interface AgentIdentity {
  /** Raw 32-byte Ed25519 public key. */
  publicKey: Uint8Array;
  /** signWithIdentity signs bytes with the agent's identity key. */
  sign(data: Uint8Array): Uint8Array;
}

/** newIdentity makes a fresh key pair in the state file's shape. */
export function newIdentity(): IdentityState {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64url') };
}

/** loadIdentity opens the identity file's key; a key that does not parse is replaced (and said). */
export async function loadIdentity(
  file: StateFile<IdentityState>,
  onReplaced: (reason: string) => void,
): Promise<AgentIdentity> {
  let key: KeyObject;
  try {
    const der = fromBase64url(file.value.privateKey);
    if (!der) throw new Error('not base64url');
    key = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 key');
  } catch (error) {
    onReplaced(`identity key unreadable (${(error as Error).message}); a new one was made`);
    await file.update(newIdentity);
    return loadIdentity(file, onReplaced);
  }
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  return {
    publicKey: new Uint8Array(Buffer.from(jwk.x ?? '', 'base64url')),
    sign: (data) => new Uint8Array(sign(null, data, key)),
  };
}
