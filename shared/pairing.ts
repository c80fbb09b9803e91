// Hello, pairing and pairing codes on the wire (docs/api.md).
import * as v from 'valibot';
import { DeviceName, KeyId, Mac, PublicKey } from './api.ts';
import { Role } from './roles.ts';

export const HelloResponse = v.object({
  name: v.string(),
  version: v.string(),
  /** The agent's Ed25519 identity key, raw 32 bytes, base64url. */
  agentKey: PublicKey,
  /** Human-comparable fingerprint of agentKey (shared/protocol/fingerprint.ts). */
  fingerprint: v.string(),
  /** Agent wall clock, ms since the epoch: clients sign with this clock. */
  time: v.number(),
});
export type HelloResponse = v.InferOutput<typeof HelloResponse>;

export const PairRequest = v.strictObject({
  name: DeviceName,
  /**
   * true when a person typed the name: it then wins over a name the CLI gave the code. Absent or
   * false (the app's own guess, "Android phone"), the code's name wins.
   */
  named: v.optional(v.boolean()),
  publicKey: PublicKey,
  /** HMAC-SHA256(code, "immich-pi/pair/v1" ‖ publicKey ‖ agentKey), see shared/protocol/pairing.ts. */
  proof: Mac,
});
export type PairRequest = v.InferOutput<typeof PairRequest>;

export const PairResponse = v.object({
  deviceId: KeyId,
  /** The name the device was saved under (a name given to the code by the CLI wins). */
  name: v.string(),
  /** HMAC-SHA256(code, "immich-pi/pair/v1/agent" ‖ agentKey ‖ publicKey). */
  agentProof: Mac,
  /** The role the code was made for (the first device paired is always an admin). */
  role: v.optional(Role, 'admin'),
});
export type PairResponse = v.InferOutput<typeof PairResponse>;

/** A code for a device to come: its name, and its role (admin when left out, as before roles). */
export const PairingCodeRequest = v.strictObject({
  name: v.optional(DeviceName),
  role: v.optional(Role, 'admin'),
});
export type PairingCodeRequest = v.InferOutput<typeof PairingCodeRequest>;

export const PairingCodeResponse = v.object({
  /** XXXX-XXXX, Crockford base32. Shown to a person, never sent back: see shared/protocol/pairing.ts. */
  code: v.string(),
  expiresAt: v.number(),
  fingerprint: v.string(),
  role: v.optional(Role, 'admin'),
  /** The app's pair screen with this code filled in (shared/pairing-link.ts); older agents leave it out. */
  link: v.optional(v.string()),
});
export type PairingCodeResponse = v.InferOutput<typeof PairingCodeResponse>;
