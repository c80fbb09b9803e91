// VAPID (RFC 8292): the key pair the agent signs pushes with, made once at first start and kept
// in a state file, and the subject push services are told to contact.
import { createECDH } from 'node:crypto';
import { isIP } from 'node:net';
import * as v from 'valibot';
import { base64urlBytes } from '../../../../shared/api.ts';

/** VapidKeys are base64url without padding: a 65-byte uncompressed P-256 point, a 32-byte scalar. */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

/** ecdhFor loads a private key; it throws on a scalar that is not a valid P-256 private key. */
function ecdhFor(privateKey: string) {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(privateKey, 'base64url'));
  return ecdh;
}

/** publicKeyMatches is false when a stored pair was mangled: pushes would fail signature checks. */
function publicKeyMatches(keys: VapidKeys): boolean {
  try {
    return ecdhFor(keys.privateKey).getPublicKey('base64url') === keys.publicKey;
  } catch {
    return false;
  }
}

/** VapidKeysSchema checks the pair read back from the state file, including that it is a pair. */
export const VapidKeysSchema = v.pipe(
  v.object({ publicKey: base64urlBytes(65), privateKey: base64urlBytes(32) }),
  v.check(publicKeyMatches, 'the VAPID public key does not belong to the private key'),
);

/** newVapidKeys makes a fresh P-256 key pair. */
export function newVapidKeys(): VapidKeys {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  // getPrivateKey drops leading zero bytes (about 1 key in 256): pad back to 32.
  const privateKey = Buffer.alloc(32);
  const scalar = ecdh.getPrivateKey();
  scalar.copy(privateKey, 32 - scalar.length);
  return {
    publicKey: ecdh.getPublicKey('base64url'),
    privateKey: privateKey.toString('base64url'),
  };
}

const MAX_SUBJECT_LENGTH = 256;
// Names that never reach anyone (RFC 2606, RFC 6761, mDNS): Apple answers BadJwtToken to them.
const UNREACHABLE_NAMES = ['localhost', 'local', 'invalid', 'test', 'example'];

/** whyHostUnusable says what is wrong with a subject's host name, or null when it can be used. */
function whyHostUnusable(host: string): string | null {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (isIP(name.replace(/^\[(.*)\]$/, '$1')) !== 0) return 'must name a domain, not an IP address';
  const topLevel = name.split('.').at(-1) ?? '';
  if (UNREACHABLE_NAMES.includes(topLevel)) return `${host} is not a public name`;
  if (!name.includes('.')) return `${host} is not a public domain name`;
  return null;
}

/**
 * checkVapidSubject answers null when `subject` can be sent as the VAPID `sub` claim, else why
 * not: it must be `mailto:` with one address or an `https:` URL, on a public domain name
 * (push services, Apple first, refuse localhost, .local, .invalid, .test, .example and IPs).
 */
export function checkVapidSubject(subject: string): string | null {
  if (subject.length > MAX_SUBJECT_LENGTH)
    return `must be at most ${MAX_SUBJECT_LENGTH} characters`;
  if (subject.startsWith('mailto:')) {
    const address = /^mailto:([^\s@?#,;:]+)@([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])$/.exec(subject);
    if (!address?.[2]) return 'must be mailto: with one address, like mailto:you@example.org';
    return whyHostUnusable(address[2]);
  }
  if (subject.startsWith('https:')) {
    let url: URL;
    try {
      url = new URL(subject);
    } catch {
      return 'must be a valid https: URL';
    }
    if (url.username !== '' || url.password !== '') return 'must not carry a user name or password';
    return whyHostUnusable(url.hostname);
  }
  return 'must start with mailto: or https:';
}
