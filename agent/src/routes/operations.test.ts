// GET /api/v1/operations/{id}: unknown ids, and only the last 20 operations kept.
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../../shared/api.ts';
import { call, operation, postUnlock, setup } from './unlock.fixtures.ts';

describe('GET /api/v1/operations/{id}', () => {
  it('answers operation-not-found for an unknown id, and forgets all but the last 20', async () => {
    const { agent, phone } = await setup();
    const unknown = await call(agent, phone, 'GET', ROUTES.operation('nope'));
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'operation-not-found']);
    const ids: string[] = [];
    for (let i = 0; i < 21; i++) {
      ids.push((await postUnlock(agent, phone, `wrong ${i}`)).body.operationId);
      await agent.deps.driveControl.idle();
      agent.clock.monoMs += 15 * 60_000; // keep clear of the wrong-passphrase limit
    }
    expect((await call(agent, phone, 'GET', ROUTES.operation(ids[0] as string))).status).toBe(404);
    expect((await operation(agent, phone, ids[1] as string)).id).toBe(ids[1]);
  });
});
