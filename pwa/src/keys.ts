// This device's identity: an Ed25519 key WebCrypto will never export, and the agent it is paired with.
import { keyIdFor } from '../../shared/protocol/index.ts';
import { dbClear, dbGet, dbSet } from './db.ts';
import { sha256 } from './web-crypto.ts';

const DEVICE = 'device';

/** DeviceKey is a key pair made for pairing, before the agent has accepted it. */
export interface DeviceKey {
  keyPair: CryptoKeyPair;
  /** Raw 32-byte public key. */
  publicKey: Uint8Array;
  keyid: string;
}

/** PairedDevice is everything the app knows once pairing succeeded. */
export interface PairedDevice extends DeviceKey {
  /** The id the agent gave this device (its keyid). */
  deviceId: string;
  name: string;
  /** The agent's Ed25519 key, pinned: a different one is a hard stop. */
  agentKey: Uint8Array;
  /** Fingerprint of agentKey, computed here, not taken from the wire. */
  fingerprint: string;
  agentName: string;
  pairedAt: number;
}

/** createDeviceKey makes a fresh non-extractable Ed25519 key pair (ARCHITECTURE §4). */
export async function createDeviceKey(): Promise<DeviceKey> {
  const keyPair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  // Public keys stay exportable even when the pair is not.
  const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', keyPair.publicKey));
  return { keyPair, publicKey, keyid: await keyIdFor(publicKey, sha256) };
}

/** loadPairedDevice answers the stored identity, or null before pairing. */
export async function loadPairedDevice(): Promise<PairedDevice | null> {
  return (await dbGet<PairedDevice>(DEVICE)) ?? null;
}

/** savePairedDevice stores the identity; the CryptoKeyPair is cloned into IndexedDB as is. */
export function savePairedDevice(device: PairedDevice): Promise<void> {
  return dbSet(DEVICE, device);
}

/** forgetPairing deletes the key and everything learnt from the agent: pairing starts over. */
export function forgetPairing(): Promise<void> {
  return dbClear();
}
