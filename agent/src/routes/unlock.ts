// The signed unlock and lock requests (ARCHITECTURE §4, §7): the sealing key, then 202 and an operation.
import { Hono } from 'hono';
import * as v from 'valibot';
import {
  MAX_PASSPHRASE_BYTES,
  type OperationStarted,
  UnlockRequest,
} from '../../../shared/unlock.ts';
import type { Deps } from '../deps.ts';
import { BOX_OVERHEAD_BYTES, passphraseLengthError } from '../domain/unlock-key.ts';
import type { AppEnv } from './env.ts';
import { parseJsonBody, validate } from './json-body.ts';

/** The base64url length of a box holding the longest passphrase allowed. */
const MAX_BOX_CHARS = Math.ceil(((MAX_PASSPHRASE_BYTES + BOX_OVERHEAD_BYTES) * 4) / 3);

/** unlockRoutes serves GET /unlock/key and POST /unlock. */
export function unlockRoutes(deps: Pick<Deps, 'unlockKey' | 'driveControl'>) {
  const { unlockKey, driveControl } = deps;
  return new Hono<AppEnv>()
    .get('/key', (c) => {
      // A phone fetches the key right before it seals and posts: start a helper meanwhile.
      driveControl.prepare();
      return c.json(unlockKey.response());
    })
    .post('/', async (c) => {
      const raw = parseJsonBody(c.get('body'), c.req.header('content-type'), v.unknown());
      // A box longer than any allowed passphrase can seal says "too long", not "bad field".
      const box = (raw as { box?: unknown } | null)?.box;
      if (typeof box === 'string' && box.length > MAX_BOX_CHARS) throw passphraseLengthError();
      const request = validate(UnlockRequest, raw);
      const passphrase = unlockKey.openSealedPassphrase(request);
      // driveControl owns the bytes from here, and zeroes them on every path.
      const started = await driveControl.unlock(passphrase, c.get('deviceId'));
      return c.json(started satisfies OperationStarted, 202);
    });
}

/** lockRoutes serves POST /lock: stop the services, unmount, close. */
export function lockRoutes(deps: Pick<Deps, 'driveControl'>) {
  return new Hono<AppEnv>().post('/', async (c) => {
    const started = await deps.driveControl.lock(c.get('deviceId'));
    return c.json(started satisfies OperationStarted, 202);
  });
}
