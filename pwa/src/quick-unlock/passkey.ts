// The WebAuthn side of quick unlock (§15): whether this browser can, the passkey, and its PRF secret.
import { toBase64url } from '../../../shared/protocol/index.ts';
import { type Bytes, SECRET_BYTES } from './envelope.ts';

/** PasskeyError is a WebAuthn step that did not give a secret, with words for the person. */
export class PasskeyError extends Error {
  constructor(
    readonly reason: 'cancelled' | 'no-prf' | 'failed',
    message: string,
  ) {
    super(message);
    this.name = 'PasskeyError';
  }
}

/** PrfSupport says whether quick unlock can be offered here, and if not, why in one sentence. */
export type PrfSupport = { ok: true } | { ok: false; why: string };

// An IPv4 or IPv6 literal: WebAuthn refuses them as a relying party id.
const IP_HOST = /^(\d{1,3}(\.\d{1,3}){3}|\[.*\])$/;

/** NO_PRF_WORDS says why, when a passkey was made but gives no PRF secret. */
export const NO_PRF_WORDS =
  'This phone’s passkeys cannot give the secret quick unlock needs (the PRF extension), so the passphrase stays typed here.';

/**
 * prfSupport answers whether quick unlock can be offered: a secure context on a domain name,
 * WebAuthn, a user-verifying platform authenticator (Face ID, fingerprint, screen lock) and,
 * where the browser can say so ahead of a passkey, the PRF extension.
 */
export async function prfSupport(): Promise<PrfSupport> {
  if (!isSecureContext || IP_HOST.test(location.host.replace(/:\d+$/, '')))
    return {
      ok: false,
      why: 'Passkeys need the Pi’s name, not an IP address: open the app at its https .ts.net address (or http://localhost in the demo).',
    };
  if (typeof PublicKeyCredential === 'undefined')
    return {
      ok: false,
      why: 'This browser has no passkeys, so it cannot unlock with Face ID or a fingerprint.',
    };
  if ('getClientCapabilities' in PublicKeyCredential) {
    const capabilities = await PublicKeyCredential.getClientCapabilities().catch(() => null);
    if (capabilities?.['extension:prf'] === false) return { ok: false, why: NO_PRF_WORDS };
  }
  const platform = await PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable().catch(
    () => false,
  );
  if (!platform)
    return {
      ok: false,
      why: 'This device has no Face ID, fingerprint or screen lock the browser can use for passkeys.',
    };
  return { ok: true };
}

const random = (length: number) => crypto.getRandomValues(new Uint8Array(length));

/** failedWith maps a WebAuthn rejection to a PasskeyError a person can read. */
function failedWith(error: unknown): PasskeyError {
  if (error instanceof PasskeyError) return error;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'NotAllowedError' || name === 'AbortError')
    return new PasskeyError(
      'cancelled',
      'Face ID or the fingerprint was cancelled, did not match, or the passkey is gone.',
    );
  return new PasskeyError('failed', `The passkey did not work here (${String(error)}).`);
}

/**
 * createPasskey makes a discoverable, user-verified passkey on this device's platform
 * authenticator for this app's host (rp.id = location.hostname), asking for the PRF extension,
 * and answers its id; a passkey that cannot do PRF is refused with reason `no-prf`.
 */
export async function createPasskey(user: { name: string; displayName: string }, salt: Uint8Array) {
  let credential: PublicKeyCredential;
  try {
    credential = (await navigator.credentials.create({
      publicKey: {
        rp: { id: location.hostname, name: 'immich-pi' },
        user: { id: random(16), ...user },
        // Nothing checks an attestation: the PRF secret alone is what makes this passkey matter.
        challenge: random(32),
        pubKeyCredParams: [
          { type: 'public-key', alg: -8 },
          { type: 'public-key', alg: -7 },
          { type: 'public-key', alg: -257 },
        ],
        authenticatorSelection: {
          authenticatorAttachment: 'platform',
          residentKey: 'required',
          requireResidentKey: true,
          userVerification: 'required',
        },
        attestation: 'none',
        extensions: { prf: { eval: { first: new Uint8Array(salt) } } },
      },
    })) as PublicKeyCredential;
  } catch (error) {
    throw failedWith(error);
  }
  const credentialId = new Uint8Array(credential.rawId);
  const prf = credential.getClientExtensionResults().prf;
  // Some authenticators answer the PRF at creation already: unused here (the secret comes from
  // an assertion, as on every unlock), so zeroed at once.
  const early = prf?.results?.first;
  if (early instanceof ArrayBuffer) new Uint8Array(early).fill(0);
  if (prf?.enabled !== true) {
    await forgetPasskey(credentialId);
    throw new PasskeyError('no-prf', NO_PRF_WORDS);
  }
  return credentialId;
}

/**
 * evaluatePrf asks the passkey for its PRF secret over `salt`, with user verification (the
 * biometric prompt), and answers the 32 bytes: the caller zeroes them after use.
 */
export async function evaluatePrf(credentialId: Uint8Array, salt: Uint8Array): Promise<Bytes> {
  try {
    const assertion = (await navigator.credentials.get({
      publicKey: {
        challenge: random(32),
        rpId: location.hostname,
        allowCredentials: [{ type: 'public-key', id: new Uint8Array(credentialId) }],
        userVerification: 'required',
        extensions: { prf: { eval: { first: new Uint8Array(salt) } } },
      },
    })) as PublicKeyCredential | null;
    const first = assertion?.getClientExtensionResults().prf?.results?.first;
    if (!(first instanceof ArrayBuffer) || first.byteLength !== SECRET_BYTES) {
      if (ArrayBuffer.isView(first)) new Uint8Array(first.buffer).fill(0);
      throw new PasskeyError(
        'no-prf',
        'The passkey answered without the secret quick unlock needs.',
      );
    }
    return new Uint8Array(first);
  } catch (error) {
    throw failedWith(error);
  }
}

/**
 * forgetPasskey tells the authenticator, where the browser can, that this app no longer knows
 * the passkey, so it can drop it; nothing else can delete a passkey from a web page.
 */
export async function forgetPasskey(credentialId: Uint8Array): Promise<void> {
  const statics = PublicKeyCredential as unknown as {
    signalUnknownCredential?: (options: { rpId: string; credentialId: string }) => Promise<void>;
  };
  try {
    await statics.signalUnknownCredential?.({
      rpId: location.hostname,
      credentialId: toBase64url(credentialId),
    });
  } catch {
    // Only a courtesy to the authenticator: the stored copy is what matters, and it is gone.
  }
}
