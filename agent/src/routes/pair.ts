// POST /api/v1/pair: a new device proves it knows an open code without sending it (ARCHITECTURE §6).
import { type Context, Hono } from 'hono';
import { PairRequest, type PairResponse } from '../../../shared/pairing.ts';
import { fromBase64url, keyIdFor, toBase64url } from '../../../shared/protocol/index.ts';
import { sha256 } from '../adapters/node-crypto.ts';
import type { RouteDeps } from '../deps.ts';
import { publicKeyObject } from '../domain/signature.ts';
import { PairingFailedError, SignatureError } from '../errors.ts';
import { readRequest } from '../middleware/signature.ts';
import { aRole } from '../services/device-admin.ts';
import type { AppEnv } from './env.ts';
import { parseJsonBody } from './json-body.ts';

/**
 * pairRoutes pairs a device whose request is signed by its new key and carries the code's proof.
 * The checks run cheapest first, so a caller without a code costs the agent next to nothing:
 * no open code → answered before the body is parsed; wrong proof → a few HMACs, no Ed25519 and no
 * nonce kept; only a request whose proof matched an open code is verified (Ed25519), and its
 * nonce goes into pairing's own small nonce store, never the one signed device requests share.
 */
export function pairRoutes(
  deps: Pick<
    RouteDeps,
    'pairing' | 'devices' | 'audit' | 'clock' | 'securityAlerts' | 'agentKey' | 'verifyPairing'
  >,
) {
  const { pairing, devices, audit, clock, securityAlerts } = deps;

  async function pairDevice(
    c: Context<AppEnv>,
    contentType: string | undefined,
  ): Promise<PairResponse> {
    const input = readRequest(c);
    const body = parseJsonBody(input.body, contentType, PairRequest);
    // The schema has checked both are base64url of 32 bytes.
    const publicKey = fromBase64url(body.publicKey) as Uint8Array;
    const proof = fromBase64url(body.proof) as Uint8Array;
    const matched = await pairing.match(proof, publicKey, deps.agentKey);
    if (!matched) throw new PairingFailedError();
    // Proof of possession: the request is signed by the key being paired.
    const keyid = await keyIdFor(publicKey, sha256);
    const key = publicKeyObject(publicKey);
    const signed = deps.verifyPairing(input, (id) =>
      id === keyid ? { state: 'active', key } : { state: 'unknown' },
    );
    if (!signed.ok) throw new SignatureError(signed.code, signed.retryAfterSeconds);
    const result = await pairing.redeem(matched, publicKey, deps.agentKey);
    if (!result.ok) throw new PairingFailedError();
    // A name the person typed wins; otherwise the CLI's name for the code beats the app's guess.
    const name = body.named ? body.name : (result.name ?? body.name);
    // The code's role, not the body's (PairRequest is strict: a role there is a 400); the
    // registry makes the first device an admin whatever the code said.
    const { role } = await devices.add({
      id: keyid,
      name,
      publicKey: body.publicKey,
      pairedAt: clock.wall(),
      role: result.role,
    });
    await audit.record('device-paired', `“${name}” was paired as ${aRole(role)}.`, keyid);
    return { deviceId: keyid, name, agentProof: toBase64url(result.agentProof), role };
  }

  return new Hono<AppEnv>().post('/', async (c) => {
    // With no open code nothing can be guessed, so nothing is read, counted or logged.
    if (pairing.openCount === 0) throw new PairingFailedError();
    try {
      return c.json(await pairDevice(c, c.req.header('content-type')), 201);
    } catch (error) {
      // Every failed pair call counts towards the limit, whatever failed.
      if (pairing.recordFailure()) await securityAlerts.pairingLocked();
      await audit.record('pairing-failed', 'A pairing attempt failed.');
      throw error;
    }
  });
}
