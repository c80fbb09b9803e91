// Minting a code, renaming and revoking, asked over HTTP and over the admin socket: the same use
// cases, so the same audit entries, worded by who asked.
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../../shared/api.ts';
import { keyIdFor } from '../../../shared/protocol/index.ts';
import { sha256 } from '../adapters/node-crypto.ts';
import { type Agent, makeAgent, newDevice, pairDevice, signed } from '../app.fixtures.ts';
import { adminCommands } from './admin.ts';

/** newEntries answers the audit entries recorded since `since` entries, oldest first. */
const newEntries = (agent: Agent, since: number) =>
  agent.deps.audit
    .list(1000)
    .entries.reverse()
    .slice(since)
    .map(({ kind, detail, deviceId }) => ({ kind, detail, deviceId }));

async function twoPhones(agent: Agent) {
  const ids: string[] = [];
  for (const name of ['Anna’s phone', 'Ben’s tablet']) {
    const phone = newDevice();
    await pairDevice(agent, phone, agent.deps.pairing.mint().code, name);
    ids.push(await keyIdFor(phone.publicKey, sha256));
  }
  return ids;
}

describe('device administration', () => {
  it('over HTTP records which device minted, renamed and revoked', async () => {
    const agent = makeAgent();
    const anna = newDevice();
    await pairDevice(agent, anna, agent.deps.pairing.mint().code, 'Anna’s phone');
    const annaId = await keyIdFor(anna.publicKey, sha256);
    const [benId] = await twoPhones(agent).then((ids) => ids.slice(1));
    const since = agent.deps.audit.list(1000).entries.length;

    const minted = await agent.app.request(
      await signed(agent, anna, 'POST', ROUTES.pairingCodes, { name: 'Car' }),
    );
    expect(minted.status).toBe(201);
    const { code, link } = (await minted.json()) as { code: string; link: string };
    expect(link).toBe(`http://pi.test/pair#code=${code}`);
    const send = async (method: string, id: string, body?: unknown) =>
      (await agent.app.request(await signed(agent, anna, method, ROUTES.device(id), body))).status;
    expect(await send('PATCH', benId as string, { name: 'Ben’s old tablet' })).toBe(200);
    expect(await send('DELETE', benId as string)).toBe(200);
    expect(await send('DELETE', annaId)).toBe(200);

    expect(newEntries(agent, since)).toEqual([
      {
        kind: 'pairing-code-created',
        detail: 'A pairing code for an admin was made on “Anna’s phone”.',
        deviceId: annaId,
      },
      {
        kind: 'device-renamed',
        detail: '“Ben’s tablet” was renamed “Ben’s old tablet”.',
        deviceId: annaId,
      },
      {
        kind: 'device-revoked',
        detail: '“Ben’s old tablet” was revoked by “Anna’s phone”.',
        deviceId: annaId,
      },
      { kind: 'device-revoked', detail: '“Anna’s phone” was revoked by itself.', deviceId: annaId },
    ]);
  });

  it('over the admin socket records the command line, and answers the CLI', async () => {
    const agent = makeAgent();
    const [annaId] = await twoPhones(agent);
    const since = agent.deps.audit.list(1000).entries.length;
    const run = adminCommands(agent.deps);

    const minted = (await run({ cmd: 'pair', name: 'Car', role: 'admin' })) as { code: string };
    expect(minted).toEqual({
      code: expect.stringMatching(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/),
      expiresAt: expect.any(Number),
      url: 'http://pi.test/',
      link: `http://pi.test/pair#code=${minted.code}`,
      fingerprint: agent.deps.fingerprint,
      role: 'admin',
    });
    expect(await run({ cmd: 'revoke', id: annaId as string })).toEqual({ revoked: annaId });
    expect(newEntries(agent, since)).toEqual([
      {
        kind: 'pairing-code-created',
        detail: 'A pairing code for an admin was made on the command line.',
        deviceId: null,
      },
      {
        kind: 'device-revoked',
        detail: '“Anna’s phone” was revoked on the command line.',
        deviceId: null,
      },
    ]);
  });
});
