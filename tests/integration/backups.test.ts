// Backups end to end: the real agent on a sandbox Pi whose stub backup unit runs report-backup as
// systemd would (ExecStartPre/ExecStopPost). "Back up now" goes through the real helper; runs
// come back through the spool; failures and staleness are pushed to a local HTTPS push service.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeLoopbackPort } from '../../sandbox-pi/immich-stub.ts';
import { DEMO_PASSPHRASE, type SandboxPi } from '../../sandbox-pi/index.ts';
import type { AlertsResponse, PushPayload } from '../../shared/alerts.ts';
import { ROUTES } from '../../shared/api.ts';
import type {
  BackupRun,
  BackupRunResponse,
  BackupStartedResponse,
  BackupsResponse,
} from '../../shared/backups.ts';
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
import { pollOperation, postUnlock, requestJson } from '../fixtures/unlock-client.ts';

let service: FakePushService;
let pi: SandboxPi;
let agent: AgentProcess;
let phone: PairedDevice;

const HOUR = 3600_000;

const backups = (query = '') =>
  requestJson<BackupsResponse>(phone, 'GET', `${ROUTES.backups}${query}`);
const startNow = () => requestJson<BackupStartedResponse>(phone, 'POST', ROUTES.backups);

/** nextPush waits for the next push with this tag and answers its payload. */
async function nextPush(tag: string, after: number, timeoutMs = 10_000): Promise<PushPayload> {
  const tagOf = (p: (typeof service.received)[number]) =>
    (JSON.parse(p.payload) as PushPayload).notification.tag;
  const push = await service.waitFor(
    (p) => service.received.indexOf(p) >= after && tagOf(p) === tag,
    timeoutMs,
  );
  return JSON.parse(push.payload) as PushPayload;
}

/** runOnce starts a backup from the app and waits for its run to be in the history. */
async function runOnce() {
  const { body: before } = await backups();
  const started = await startNow();
  expect(started.status).toBe(202);
  await pi.waitForBackupIdle(30_000);
  return waitForNewRun(before.runs[0]?.seq ?? 0);
}

beforeAll(async () => {
  service = await startFakePushService();
  ({ pi, agent, phone } = await pairedAgent({
    port: await freeLoopbackPort(),
    sampleIntervalSeconds: 1,
    push: { extraOrigins: [service.origin], caFile: service.caFile },
    alerts: { renotifyMinutes: 0, eventMinIntervalSeconds: 0 },
    backup: { staleHours: 1, graceHours: 0 },
    // Three days of history whose last good backup is two hours old: stale at 1 h + 0 h grace.
    prepare: (sandbox: SandboxPi) =>
      sandbox.seedBackupHistory({ days: 3, lastRunEndedAt: Date.now() - 2 * HOUR }),
    phoneName: 'Phone',
  }));
  const subscription = service.subscription();
  const { body } = await requestJson<PushSubscriptionResponse>(
    phone,
    'GET',
    ROUTES.pushSubscriptions,
  );
  const saved = await requestJson(phone, 'POST', ROUTES.pushSubscriptions, {
    endpoint: subscription.endpoint,
    keys: subscription.keys,
    vapidPublicKey: body.vapidPublicKey,
    timeZone: 'Europe/Berlin',
    quietHours: null,
  });
  expect(saved.status).toBe(200);
}, 60_000);

afterAll(async () => {
  await stopAllAgents();
  await pi?.remove();
  await service?.close();
});

describe('backups through the real agent', () => {
  it('reads the seeded history, newest first, in pages, with the chart on the first page', async () => {
    const first = await backups('?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.runs).toHaveLength(2);
    expect(first.body.runs[0]?.seq).toBeGreaterThan(first.body.runs[1]?.seq ?? Infinity);
    expect(first.body.summary.demo).toBe(true);
    expect(first.body.chart?.length).toBe(3);
    expect(first.body.next).not.toBeNull();
    const second = await backups(`?limit=2&before=${first.body.next}`);
    expect(second.body.chart).toBeNull();
    expect(second.body.runs[0]?.seq).toBeLessThan(first.body.runs[1]?.seq ?? 0);
    expect((await backups('?limit=0')).body.error?.code).toBe('validation-failed');
    expect((await backups('?before=x')).body.error?.code).toBe('validation-failed');
  });

  it('raises "No backup for N hours" when the last good backup is too old', async () => {
    // Raised at the agent's first sample, before this phone subscribed: its clear is pushed below.
    const alerts = await requestJson<AlertsResponse>(phone, 'GET', ROUTES.alerts);
    const stale = alerts.body.active.find((alert) => alert.id === 'backup-stale');
    expect(stale).toMatchObject({ title: 'No backup for 2 hours', navigate: '/backups' });
    const status = await requestJson<StatusResponse>(phone, 'GET', ROUTES.status);
    expect(status.body.backup).toMatchObject({
      stale: true,
      lastResult: 'succeeded',
      running: null,
    });
  });

  it('refuses "back up now" while the drive is locked', async () => {
    const refused = await startNow();
    expect(refused.status).toBe(409);
    expect(refused.body.error?.code).toBe('backup-drive-locked');
  });

  it('backs up now after an unlock: running, then succeeded with its snapshot, and staleness clears', async () => {
    const unlocked = await postUnlock(phone, DEMO_PASSPHRASE);
    expect(unlocked.status).toBe(202);
    const done = await pollOperation(phone, unlocked.body.operationId, { timeoutMs: 60_000 });
    expect(done.state).toBe('succeeded');
    // The seeded last good backup is 2 h old, less than a day: no catch-up run after unlock.
    await pi.setBackupOutcome('slow');
    const pushesBefore = service.received.length;
    const started = await startNow();
    expect(started.status).toBe(202);
    const running = await backups();
    expect(running.body.summary.running).not.toBeNull();
    const again = await startNow();
    expect(again.status).toBe(409);
    expect(again.body.error?.code).toBe('backup-running');
    const status = await requestJson<StatusResponse>(phone, 'GET', ROUTES.status);
    expect(status.body.backup?.running).not.toBeNull();

    await pi.setBackupOutcome('ok');
    await pi.waitForBackupIdle(60_000);
    const run = await waitForNewRun(running.body.runs[0]?.seq ?? 0);
    expect(run).toMatchObject({ result: 'succeeded', reason: null, demo: false });
    expect(run.snapshotId).toMatch(/^[0-9a-f]{64}$/);
    expect(run.filesNew).toBeGreaterThan(0);
    expect(run.durationSeconds).toBeGreaterThan(0);
    const resolved = await nextPush('backup-stale', pushesBefore);
    expect(resolved.notification.title).toMatch(/^Resolved: /);
    const summary = (await backups()).body.summary;
    expect(summary).toMatchObject({ stale: false, lastResult: 'succeeded', running: null });
    expect(summary.lastGoodSnapshotId).toBe(run.snapshotId);
    // The manual start moved the stub timer (OnUnitActiveSec) a day on; the summary says so.
    expect(summary.nextAt).toBeGreaterThan(started.body.at + 23 * HOUR);
  });

  it('pushes "Backup failed" with the reason, shows its log, and clears with the next good run', async () => {
    await pi.setBackupOutcome('fail');
    const pushes = service.received.length;
    const failed = await runOnce();
    expect(failed.result).toBe('failed');
    expect(failed.snapshotId).toBeNull();
    const push = await nextPush('backup-failed', pushes);
    expect(push.notification.title).toBe('Backup failed');
    expect(push.notification.body).toContain(failed.reason ?? '(no reason)');
    const detail = await requestJson<BackupRunResponse>(phone, 'GET', ROUTES.backupRun(failed.id));
    expect(detail.body.run.exit).toEqual({
      serviceResult: 'exit-code',
      exitCode: 'exited',
      exitStatus: '1',
    });
    expect(detail.body.run.log.some((line) => line.includes('[ERROR]'))).toBe(true);

    await pi.setBackupOutcome('ok');
    const cleared = service.received.length;
    expect((await runOnce()).result).toBe('succeeded');
    const resolved = await nextPush('backup-failed', cleared);
    expect(resolved.notification.body).toBe('A backup finished again.');
  });

  it('calls an exit 0 without a new snapshot interrupted, and skipped files partial', async () => {
    await pi.setBackupOutcome('interrupted');
    const interrupted = await runOnce();
    expect(interrupted).toMatchObject({ result: 'interrupted', snapshotId: null });
    await pi.setBackupOutcome('partial');
    const partial = await runOnce();
    expect(partial.result).toBe('partial');
    expect(partial.snapshotId).not.toBeNull();
    expect(partial.reason).toMatch(/could not be read/);
  });

  it('records malformed rustic output and an unreadable report as unknown, never losing a run', async () => {
    await pi.setBackupOutcome('ok');
    await pi.setRusticOutput('[{"group_key": {"hostname": "immich-pi"}, "snapshots": [');
    const unknown = await runOnce();
    expect(unknown.result).toBe('unknown');
    expect(unknown.reason).toMatch(/Could not list the snapshots/);
    await pi.setRusticOutput(null);

    const id = 'f'.repeat(32);
    await writeFile(join(pi.spoolDir, `${id}.run.json`), '{"v": 1, "kind": "run", "invoc');
    const page = await waitForRun(id);
    expect(page).toMatchObject({ result: 'unknown' });
    expect(page.reason).toMatch(/Its report could not be read/);
    const missing = await requestJson(phone, 'GET', ROUTES.backupRun('0'.repeat(32)));
    expect(missing.status).toBe(404);
    expect(missing.body.error?.code).toBe('backup-run-not-found');
  });

  it('picks up a run reported while the agent was down', async () => {
    await agent.stop();
    await pi.startBackupAsTimer();
    await pi.waitForBackupIdle(30_000);
    agent = await startAgent(pi);
    const first = (await backups('?limit=1')).body.runs[0];
    expect(first?.result).toBe('succeeded');
    expect(first?.startedAt).toBeGreaterThan(Date.now() - 60_000);
  });
});

/** waitForNewRun waits for a run newer than afterSeq to reach the history, and answers it. */
async function waitForNewRun(afterSeq: number): Promise<BackupRun> {
  const newest = async () => (await backups()).body.runs[0];
  const run = await eventually(`a run after #${afterSeq} in the history`, newest, {
    until: (r) => r !== undefined && r.seq > afterSeq,
    everyMs: 100,
  });
  return run as BackupRun;
}

async function waitForRun(id: string): Promise<BackupRun> {
  const find = async () => (await backups()).body.runs.find((r) => r.id === id);
  return (await eventually(`run ${id} in the history`, find, { everyMs: 100 })) as BackupRun;
}
