// The bench's phone: a node:crypto Ed25519 key, paired through the real endpoint, signing ahead of time.
import { generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { hmacSha256, sha256 } from '../agent/src/adapters/node-crypto.ts';
import { ROUTES } from '../shared/api.ts';
import type { HelloResponse } from '../shared/pairing.ts';
import {
  computePairingProof,
  fromBase64url,
  keyIdFor,
  signRequest,
  toBase64url,
  utf8Encode,
} from '../shared/protocol/index.ts';

export interface BenchDevice {
  /** The agent's host and port, which every signature names (`@authority`). */
  authority: string;
  keyid: string;
  publicKey: Uint8Array;
  privateKey: KeyObject;
}

/** newBenchDevice makes a device key pair, as the PWA does with WebCrypto, for the agent at baseUrl. */
export async function newBenchDevice(baseUrl: string): Promise<BenchDevice> {
  const pair = generateKeyPairSync('ed25519');
  const raw = pair.publicKey.export({ format: 'jwk' }).x ?? '';
  const publicKey = new Uint8Array(Buffer.from(raw, 'base64url'));
  return {
    authority: new URL(baseUrl).host,
    keyid: await keyIdFor(publicKey, sha256),
    publicKey,
    privateKey: pair.privateKey,
  };
}

/** signedHeaders signs one request now, with a fresh 16-byte nonce. */
export function signedHeaders(
  device: BenchDevice,
  method: string,
  path: string,
  body?: Uint8Array,
  query = '',
): Promise<Record<string, string>> {
  return signRequest({
    method,
    authority: device.authority,
    path,
    query,
    body,
    keyid: device.keyid,
    // The agent runs on this machine, so its clock is ours; the PWA would use hello's offset.
    created: Math.floor(Date.now() / 1000),
    nonce: toBase64url(new Uint8Array(randomBytes(16))),
    sign: async (data) => new Uint8Array(sign(null, data, device.privateKey)),
    sha256,
  });
}

/** pairBenchDevice pairs through GET hello and POST pair with an open code, as the PWA would. */
export async function pairBenchDevice(
  baseUrl: string,
  code: string,
  device: BenchDevice,
): Promise<void> {
  const hello = (await (await fetch(new URL(ROUTES.hello, baseUrl))).json()) as HelloResponse;
  const agentKey = fromBase64url(hello.agentKey);
  if (!agentKey) throw new Error('hello answered no agent key');
  const proof = await computePairingProof(code, device.publicKey, agentKey, hmacSha256);
  const body = utf8Encode(
    JSON.stringify({
      name: 'bench',
      publicKey: toBase64url(device.publicKey),
      proof: toBase64url(proof),
    }),
  );
  const headers = await signedHeaders(device, 'POST', ROUTES.pair, body);
  const paired = await fetch(new URL(ROUTES.pair, baseUrl), {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body,
  });
  if (paired.status !== 201) {
    throw new Error(`pairing the bench device failed: ${paired.status} ${await paired.text()}`);
  }
}

/** presignStatus signs `count` GET /api/v1/status requests, each with its own nonce. */
export async function presignStatus(
  device: BenchDevice,
  count: number,
): Promise<Record<string, string>[]> {
  const all: Record<string, string>[] = [];
  for (let i = 0; i < count; i++) all.push(await signedHeaders(device, 'GET', ROUTES.status));
  return all;
}
