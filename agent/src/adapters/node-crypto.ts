// node:crypto behind the shared protocol's injected crypto functions.
import { createHash, createHmac } from 'node:crypto';
import type { HmacSha256, Sha256 } from '../../../shared/protocol/index.ts';

/** sha256 hashes bytes with node:crypto (async only to fit the shared signature). */
export const sha256: Sha256 = async (data) =>
  new Uint8Array(createHash('sha256').update(data).digest());

/** hmacSha256 computes HMAC-SHA256 with node:crypto. */
export const hmacSha256: HmacSha256 = async (key, data) =>
  new Uint8Array(createHmac('sha256', key).update(data).digest());
