// The sandbox's stub Immich read through the agent's real Immich client: both API styles, the key
// file on the sandbox drive, counts that fall unless paused, pauses that outlive a stub restart.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImmichJobsClient } from '../../agent/src/adapters/immich-jobs.ts';
import { readImmichKey } from '../../agent/src/adapters/immich-key.ts';
import { runCommand } from '../../agent/src/adapters/run-command.ts';
import { freeLoopbackPort } from '../../sandbox-pi/immich-stub.ts';
import { createSandboxPi, type SandboxPi } from '../../sandbox-pi/index.ts';

let pi: SandboxPi;
beforeAll(async () => {
  pi = await createSandboxPi({ port: await freeLoopbackPort() });
  await runCommand([join(pi.dir, 'bin/systemctl'), 'start', 'immich-server']);
});
afterAll(() => pi?.remove());

const client = () => createImmichJobsClient({ baseUrl: pi.immichUrl });
const waitingOf = async (api: 'queues' | 'jobs', name: string) =>
  (await client().queues(api, pi.immichApiKey)).find((q) => q.name === name);

describe('the sandbox drive key file', () => {
  it('lies where the agent config says, mode 0640, and passes the agent checks', async () => {
    const file = join(pi.root, pi.config.immich.apiKeyFile);
    expect(pi.config.immich.apiKeyFile).toBe('/mnt/immich_drive/secrets/immich-pi-api-key');
    expect((await stat(file)).mode & 0o777).toBe(0o640);
    const read = await readImmichKey(file, pi.paths.driveMountPath);
    expect(read).toEqual({ ok: true, key: pi.immichApiKey });
  });
});

describe('the stub Immich, queues API', () => {
  it('answers its version, public as in Immich, and its queues to the right key', async () => {
    expect(await client().version('wrong')).toEqual({ version: 'v2.4.1', api: 'queues' });
    const queues = await client().queues('queues', pi.immichApiKey);
    expect(queues.map((q) => q.name)).toEqual(
      expect.arrayContaining(['thumbnailGeneration', 'videoConversion', 'smartSearch']),
    );
    const thumbnails = queues.find((q) => q.name === 'thumbnailGeneration');
    expect(thumbnails?.waiting).toBeGreaterThan(1100);
    expect(thumbnails?.waiting).toBeLessThanOrEqual(1204);
    expect(thumbnails?.paused).toBe(false);
  });

  it('refuses a wrong key with 401 and logs the request without the key', async () => {
    const refused = await client()
      .setPaused('queues', 'smartSearch', true, 'not-the-key')
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'key-refused' });
    const log = await pi.readImmichRequests();
    expect(log.at(-1)).toMatchObject({
      api: 'queues',
      queue: 'smartSearch',
      paused: true,
      keyRight: false,
    });
    expect(JSON.stringify(log)).not.toContain(pi.immichApiKey);
    expect((await waitingOf('queues', 'smartSearch'))?.paused).toBe(false);
  });

  it('holds a paused queue still while the others fall, across a stub restart', async () => {
    await client().setPaused('queues', 'videoConversion', true, pi.immichApiKey);
    const before = await client().queues('queues', pi.immichApiKey);
    await sleep(1_200);
    await pi.stopImmichStub();
    await runCommand([join(pi.dir, 'bin/systemctl'), 'start', 'immich-server']);
    const after = await client().queues('queues', pi.immichApiKey);
    const pick = (list: typeof before, name: string) => list.find((q) => q.name === name);
    expect(pick(after, 'videoConversion')).toMatchObject({ paused: true, active: 0 });
    expect(pick(after, 'videoConversion')?.waiting).toBe(pick(before, 'videoConversion')?.waiting);
    expect(pick(after, 'thumbnailGeneration')?.waiting).toBeLessThan(
      pick(before, 'thumbnailGeneration')?.waiting ?? 0,
    );
    expect((await pi.readImmichRequests()).at(-1)).toMatchObject({
      queue: 'videoConversion',
      paused: true,
      keyRight: true,
    });
    await client().setPaused('queues', 'videoConversion', false, pi.immichApiKey);
    expect((await waitingOf('queues', 'videoConversion'))?.paused).toBe(false);
  });

  it('answers 401 to every key once revoked', async () => {
    await pi.setImmichApi({ api: 'queues', version: 'v2.4.1', revoked: true });
    const refused = await client()
      .queues('queues', pi.immichApiKey)
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'key-refused' });
  });
});

describe('the stub Immich, jobs API', () => {
  it('serves the older jobs API only, chosen by immich-api.json', async () => {
    await pi.setImmichApi({ api: 'jobs', version: 'v1.135.3' });
    expect(await client().version(pi.immichApiKey)).toEqual({ version: 'v1.135.3', api: 'jobs' });
    const gone = await client()
      .queues('queues', pi.immichApiKey)
      .catch((e: unknown) => e);
    expect(gone).toMatchObject({ code: 'bad-answer' });
    await client().setPaused('jobs', 'faceDetection', true, pi.immichApiKey);
    expect(await waitingOf('jobs', 'faceDetection')).toMatchObject({ paused: true, active: 0 });
    await client().setPaused('jobs', 'faceDetection', false, pi.immichApiKey);
    expect((await waitingOf('jobs', 'faceDetection'))?.paused).toBe(false);
    expect((await pi.readImmichRequests()).slice(-2)).toMatchObject([
      { api: 'jobs', queue: 'faceDetection', paused: true, keyRight: true },
      { api: 'jobs', queue: 'faceDetection', paused: false, keyRight: true },
    ]);
  });

  it('still answers the health ping', async () => {
    const res = await fetch(`${pi.immichUrl}/api/server/ping`);
    expect(await res.json()).toEqual({ res: 'pong' });
  });
});
