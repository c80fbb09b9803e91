// POST /api/v1/pair: a new device proves it knows an open code without sending it (ARCHITECTURE §6).
import { type Context, Hono } from 'hono';
import { PairRequest, type PairResponse } from '../../../shared/api.ts';
import { fromBase64url, keyIdFor, toBase64url } from '../../../shared/protocol/index.ts';
import { sha256 } from '../adapters/node-crypto.ts';
import type { AppEnv, RouteDeps } from '../app.ts';
import { publicKeyObject } from '../domain/signature.ts';
import { PairingFailedError, SignatureError } from '../errors.ts';
import { readRequest } from '../middleware/signature.ts';
import { parseJsonBody } from './json-body.ts';

/** pairRoutes pairs a device whose request is signed by its new key and carries the code's proof. */
export function pairRoutes(deps: RouteDeps) {
  const { pairing, devices, audit, clock } = deps;

  async function pairDevice(
    c: Context<AppEnv>,
    contentType: string | undefined,
  ): Promise<PairResponse> {
    const input = readRequest(c);
    const body = parseJsonBody(input.body, contentType, PairRequest);
    // The schema has checked both are base64url of 32 bytes.
    const publicKey = fromBase64url(body.publicKey) as Uint8Array;
    const proof = fromBase64url(body.proof) as Uint8Array;
    const keyid = await keyIdFor(publicKey, sha256);
    // Proof of possession: the request is signed by the key being paired.
    const key = publicKeyObject(publicKey);
    const signed = deps.verify(input, (id) =>
      id === keyid ? { state: 'active', key } : { state: 'unknown' },
    );
    if (!signed.ok) throw new SignatureError(signed.code);
    const result = await pairing.redeem(proof, publicKey, deps.agentKey);
    if (!result.ok) {
      if (result.lockedOut) await lockedOut();
      throw new PairingFailedError();
    }
    const name = result.name ?? body.name;
    await devices.add({ id: keyid, name, publicKey: body.publicKey, pairedAt: clock.wall() });
    await audit.record('device-paired', `“${name}” was paired.`, keyid);
    return { deviceId: keyid, name, agentProof: toBase64url(result.agentProof) };
  }

  async function lockedOut() {
    await audit.record(
      'pairing-locked',
      'Five pairing attempts failed: every open code was revoked.',
    );
  }

  return new Hono<AppEnv>().post('/', async (c) => {
    const codesWereOpen = pairing.openCount > 0;
    try {
      return c.json(await pairDevice(c, c.req.header('content-type')), 201);
    } catch (error) {
      // Every failed pair call counts towards the limit, whatever failed (a redeem counted itself).
      // With no open code nothing can be guessed, so nothing is counted or logged.
      if (!codesWereOpen) throw error;
      if (!(error instanceof PairingFailedError) && pairing.recordFailure()) await lockedOut();
      await audit.record('pairing-failed', 'A pairing attempt failed.');
      throw error;
    }
  });
}
