// The thermal guard end to end: the real agent process on a sandbox Pi reads the API key from the
// sandbox drive, pauses the stub Immich's heavy queues when the thermal zone says 79 °C (the stub
// logs each request and whether the key came with it), pushes it to a local push service, keeps
// its record over an agent restart, resumes exactly what it paused, and without a key caps the
// Immich units' CPU through the real root helper and the stub systemctl.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeLoopbackPort } from '../../sandbox-pi/immich-stub.ts';
import { DEMO_PASSPHRASE, type SandboxPi } from '../../sandbox-pi/index.ts';
import type { PushPayload } from '../../shared/alerts.ts';
import { ROUTES } from '../../shared/api.ts';
import type { ImmichStatus } from '../../shared/immich.ts';
import type { PushSubscriptionResponse } from '../../shared/push.ts';
import type { StatusResponse } from '../../shared/status.ts';
import {
  type AgentProcess,
  type PairedDevice,
  pairedAgent,
  startAgent,
  stopAllAgents,
} from '../fixtures/agent-process.ts';
import { eventually } from '../fixtures/eventually.ts';
import { type FakePushService, startFakePushService } from '../fixtures/push-service.ts';
import { pollOperation, postUnlock } from '../fixtures/unlock-client.ts';

let service: FakePushService;
let pi: SandboxPi;
let agent: AgentProcess;
let phone: PairedDevice;

const HEAVY = ['faceDetection', 'facialRecognition', 'ocr', 'smartSearch', 'thumbnailGeneration'];

async function immich(): Promise<ImmichStatus> {
  const status = (await (await phone.signedFetch('GET', ROUTES.status)).json()) as StatusResponse;
  if (!status.immich) throw new Error('status has no immich');
  return status.immich;
}

/** nextPush waits for the next push tagged `tag` after `after` pushes, and answers its payload. */
async function nextPush(tag: string, after: number) {
  const push = await service.waitFor(
    (p) =>
      service.received.indexOf(p) >= after &&
      (JSON.parse(p.payload) as PushPayload).notification.tag === tag,
    20_000,
  );
  return JSON.parse(push.payload) as PushPayload;
}

/** stubPausedNow answers the queues the stub Immich has paused, from its own answer. */
const pausedNow = async () =>
  (await immich()).queues
    .filter((q) => q.paused)
    .map((q) => q.name)
    .sort();

beforeAll(async () => {
  service = await startFakePushService();
  ({ pi, agent, phone } = await pairedAgent({
    phoneName: 'Phone',
    port: await freeLoopbackPort(),
    sampleIntervalSeconds: 1,
    push: { extraOrigins: [service.origin], caFile: service.caFile },
    alerts: { renotifyMinutes: 0 },
    guard: { pauseHoldSeconds: 2, resumeHoldSeconds: 2 },
  }));
  const subscription = service.subscription();
  const { vapidPublicKey } = (await (
    await phone.signedFetch('GET', ROUTES.pushSubscriptions)
  ).json()) as PushSubscriptionResponse;
  const subscribed = await phone.signedFetch('POST', ROUTES.pushSubscriptions, {
    endpoint: subscription.endpoint,
    keys: subscription.keys,
    vapidPublicKey,
    timeZone: 'Europe/Berlin',
    quietHours: null,
  });
  expect(subscribed.status).toBe(200);
  const unlocked = await postUnlock(phone, DEMO_PASSPHRASE);
  expect(unlocked.status).toBe(202);
  const done = await pollOperation(phone, unlocked.body.operationId, { timeoutMs: 60_000 });
  expect(done.state).toBe('succeeded');
}, 120_000);

afterAll(async () => {
  await stopAllAgents();
  await pi?.remove();
  await service?.close();
});

describe('the thermal guard on the real agent', () => {
  it('shows Immich’s version and queues once the drive is unlocked', async () => {
    const seen = await eventually('Immich read', immich, { until: (s) => s.state === 'ok' });
    expect(seen).toMatchObject({ version: 'v2.4.1', api: 'queues', guard: { state: 'idle' } });
    const thumbnails = seen.queues.find((q) => q.name === 'thumbnailGeneration');
    expect(thumbnails).toMatchObject({ label: 'Thumbnails', heavy: true, paused: false });
    expect(thumbnails?.waiting).toBeGreaterThan(0);
  });

  it('pauses the heavy queues when hot, keeps a person’s pause, survives a restart, and resumes only its own', async () => {
    // A person paused video by hand in Immich before it got hot.
    const manual = await fetch(`${pi.immichUrl}/api/queues/videoConversion`, {
      method: 'PUT',
      headers: { 'x-api-key': pi.immichApiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ isPaused: true }),
    });
    expect(manual.status).toBe(200);
    const before = service.received.length;
    const logBefore = (await pi.readImmichRequests()).length;

    await pi.setTemperature(79);
    const raised = await nextPush('immich-jobs-paused', before);
    expect(raised.notification.title).toBe('Pi is hot (79 °C): paused Immich’s heavy jobs');
    const hot = await immich();
    expect(hot.guard).toMatchObject({ state: 'paused', reason: 'hot', capped: false });
    expect(hot.guard.since).toEqual(expect.any(Number));
    expect([...hot.guard.pausedQueues].sort()).toEqual(HEAVY);
    expect(await pausedNow()).toEqual([...HEAVY, 'videoConversion'].sort());
    const pauses = (await pi.readImmichRequests()).slice(logBefore);
    expect(pauses.map((r) => r.queue).sort()).toEqual(HEAVY);
    expect(pauses.every((r) => r.paused && r.keyRight && r.api === 'queues')).toBe(true);

    // The agent restarts while it holds them: its record is on disk.
    await agent.stop();
    agent = await startAgent(pi);
    const again = await eventually('Immich read after the restart', immich, {
      until: (s) => s.state === 'ok',
    });
    expect([...again.guard.pausedQueues].sort()).toEqual(HEAVY);

    const cooling = service.received.length;
    await pi.setTemperature(60);
    const resolved = await nextPush('immich-jobs-paused', cooling);
    expect(resolved.notification.title).toBe(
      'Resolved: Pi is hot (79 °C): paused Immich’s heavy jobs',
    );
    expect(resolved.notification.body).toBe(
      'The Pi has cooled down: Immich’s heavy jobs run again.',
    );
    expect(await pausedNow()).toEqual(['videoConversion']);
    const resumes = (await pi.readImmichRequests()).slice(logBefore).filter((r) => !r.paused);
    expect(resumes.map((r) => r.queue).sort()).toEqual(HEAVY);
    expect((await immich()).guard).toMatchObject({ state: 'idle', pausedQueues: [] });
  });

  it('lets an admin pause and resume the heavy jobs by hand', async () => {
    const paused = await phone.signedFetch('POST', ROUTES.immichJobs, { action: 'pause' });
    expect(paused.status).toBe(200);
    expect(await pausedNow()).toEqual([...HEAVY, 'videoConversion'].sort());
    const resumed = await phone.signedFetch('POST', ROUTES.immichJobs, { action: 'resume' });
    expect(resumed.status).toBe(200);
    expect(await pausedNow()).toEqual([]);
  });

  it('caps the Immich units’ CPU through the helper without a key, and lifts the cap when cool', async () => {
    await rm(join(pi.root, pi.config.immich.apiKeyFile));
    const before = service.received.length;
    // Hot, the guard reads Immich (and so the key file) every sample.
    await pi.setTemperature(80);
    const raised = await nextPush('immich-jobs-paused', before);
    expect((await immich()).state).toBe('no-key');
    expect(raised.notification.title).toBe('Pi is hot (80 °C): capped Immich’s CPU');
    const quota = (argv: string[]) => argv.includes('set-property') && argv.includes('--runtime');
    const caps = (await pi.readCommandLog()).filter(quota).map((argv) => argv.slice(-2).join(' '));
    expect(caps).toEqual(
      expect.arrayContaining([
        'immich-server.service CPUQuota=100%',
        'immich-machine-learning.service CPUQuota=100%',
      ]),
    );
    expect(caps.join()).not.toContain('postgresql');
    expect((await immich()).guard).toMatchObject({ state: 'capped', capped: true });

    const cooling = service.received.length;
    await pi.setTemperature(55);
    await nextPush('immich-jobs-paused', cooling);
    const lifted = (await pi.readCommandLog())
      .filter(quota)
      .map((argv) => argv.slice(-2).join(' '));
    expect(lifted).toEqual(
      expect.arrayContaining([
        'immich-server.service CPUQuota=',
        'immich-machine-learning.service CPUQuota=',
      ]),
    );
    expect((await immich()).guard.capped).toBe(false);
  });
});
