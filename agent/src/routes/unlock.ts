// The signed unlock and lock requests (ARCHITECTURE §4, §7): the sealing key, then 202 and an operation.
import { type Context, Hono } from 'hono';
import * as v from 'valibot';
import {
  MAX_PASSPHRASE_BYTES,
  type OperationStarted,
  type UnlockCheckResponse,
  UnlockRequest,
} from '../../../shared/unlock.ts';
import type { Deps } from '../deps.ts';
import { BOX_OVERHEAD_BYTES, passphraseLengthError } from '../domain/unlock-key.ts';
import type { AppEnv } from './env.ts';
import { parseJsonBody, validate } from './json-body.ts';

/** The base64url length of a box holding the longest passphrase allowed. */
const MAX_BOX_CHARS = Math.ceil(((MAX_PASSPHRASE_BYTES + BOX_OVERHEAD_BYTES) * 4) / 3);

/**
 * openBox reads a sealed-passphrase body and opens it: a box longer than any allowed passphrase
 * can seal says "too long", not "bad field". The caller owns the bytes and must zero them.
 */
function openBox(c: Context<AppEnv>, unlockKey: Deps['unlockKey']): Uint8Array {
  const raw = parseJsonBody(c.get('body'), c.req.header('content-type'), v.unknown());
  const box = (raw as { box?: unknown } | null)?.box;
  if (typeof box === 'string' && box.length > MAX_BOX_CHARS) throw passphraseLengthError();
  return unlockKey.openSealedPassphrase(validate(UnlockRequest, raw));
}

/** unlockRoutes serves GET /unlock/key, POST /unlock and POST /unlock/check. */
export function unlockRoutes(deps: Pick<Deps, 'unlockKey' | 'driveControl'>) {
  const { unlockKey, driveControl } = deps;
  return new Hono<AppEnv>()
    .get('/key', (c) => {
      // A phone fetches the key right before it seals and posts: start a helper meanwhile.
      driveControl.prepare();
      return c.json(unlockKey.response());
    })
    .post('/', async (c) => {
      const passphrase = openBox(c, unlockKey);
      // driveControl owns the bytes from here, and zeroes them on every path.
      const started = await driveControl.unlock(passphrase, c.get('deviceId'));
      return c.json(started satisfies OperationStarted, 202);
    })
    .post('/check', async (c) => {
      const passphrase = openBox(c, unlockKey);
      // As for an unlock: the bytes are driveControl's now, zeroed once the helper has them.
      const answer = await driveControl.check(passphrase, c.get('deviceId'));
      return c.json(answer satisfies UnlockCheckResponse);
    });
}

/** lockRoutes serves POST /lock: stop the services, unmount, close. */
export function lockRoutes(deps: Pick<Deps, 'driveControl'>) {
  return new Hono<AppEnv>().post('/', async (c) => {
    const started = await deps.driveControl.lock(c.get('deviceId'));
    return c.json(started satisfies OperationStarted, 202);
  });
}
