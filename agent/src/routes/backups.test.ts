// /api/v1/backups through app.request: paging and its checks, a run's detail, and "back up now"
// refused or started through the helper, with the drive as the FakePi says.
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../../shared/api.ts';
import type { BackupRunResponse, BackupsResponse } from '../../../shared/backups.ts';
import type { StatusResponse } from '../../../shared/status.ts';
import { makeAgent, pairedDevice, signed } from '../app.fixtures.ts';

async function setup() {
  const agent = makeAgent();
  const phone = await pairedDevice(agent);
  const call = async <T>(method: string, path: string) => {
    const res = await agent.app.request(await signed(agent, phone, method, path));
    return { status: res.status, body: (await res.json()) as T & { error?: { code: string } } };
  };
  return { agent, call };
}

const id = (n: number) => n.toString(16).padStart(32, '0');

/** record is a run report as report-backup writes it: a failed run with one journal line. */
function record(n: number, wallMs: number) {
  return JSON.stringify({
    v: 1,
    kind: 'run',
    invocationId: id(n),
    unit: 'immich-backup.service',
    before: null,
    at: { wallMs, bootId: 'boot-1', monoMs: 1 },
    serviceResult: 'exit-code',
    exitCode: 'exited',
    exitStatus: '1',
    snapshots: { ok: true, snapshots: [] },
    log: ['2026-11-24T03:00:02+0000 rustic[42]: [ERROR] <b>repository</b> not found'],
    logError: null,
  });
}

describe('GET /api/v1/backups', () => {
  it('pages the history newest first, with the chart on the first page only', async () => {
    const { agent, call } = await setup();
    for (let n = 1; n <= 5; n++)
      agent.backup.spool.set(`${id(n)}.run.json`, record(n, agent.clock.wallMs - n * 1000));
    const first = await call<BackupsResponse>('GET', `${ROUTES.backups}?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.runs.map((r) => r.id)).toEqual([id(1), id(2)]);
    expect(first.body.chart).toHaveLength(5);
    const last = await call<BackupsResponse>(
      'GET',
      `${ROUTES.backups}?limit=3&before=${first.body.next}`,
    );
    expect(last.body.runs.map((r) => r.id)).toEqual([id(3), id(4), id(5)]);
    expect(last.body.next).toBeNull();
    expect(last.body.chart).toBeNull();
    // The list leaves out the log; the detail has it, as text.
    expect(first.body.runs[0]).not.toHaveProperty('log');
    const detail = await call<BackupRunResponse>('GET', ROUTES.backupRun(id(1)));
    expect(detail.body.run.log[0]).toContain('<b>repository</b>');
    expect(detail.body.run.result).toBe('failed');
  });

  it('refuses a bad limit or cursor and answers 404 for an unknown run', async () => {
    const { call } = await setup();
    for (const query of ['?limit=0', '?limit=101', '?limit=x', '?before=-1', '?before=1e3']) {
      const answer = await call('GET', `${ROUTES.backups}${query}`);
      expect([query, answer.status, answer.body.error?.code]).toEqual([
        query,
        400,
        'validation-failed',
      ]);
    }
    const missing = await call('GET', ROUTES.backupRun(id(9)));
    expect(missing.status).toBe(404);
    expect(missing.body.error?.code).toBe('backup-run-not-found');
  });
});

describe('POST /api/v1/backups', () => {
  it('refuses while the drive is locked, starts once it runs, then refuses while it runs', async () => {
    const { agent, call } = await setup();
    const locked = await call('POST', ROUTES.backups);
    expect([locked.status, locked.body.error?.code]).toEqual([409, 'backup-drive-locked']);
    expect(agent.backup.starts).toEqual([]);

    agent.pi.mapperOpen = true;
    agent.pi.mounted = true;
    for (const unit of agent.deps.config.units) agent.pi.units.set(unit, 'active');
    agent.clock.monoMs += 5000; // past the cached sample
    const started = await call<{ started: true; at: number }>('POST', ROUTES.backups);
    expect(started.status).toBe(202);
    expect(started.body).toEqual({ started: true, at: agent.clock.wallMs });
    expect(agent.backup.starts).toHaveLength(1);
    const status = await call<StatusResponse>('GET', ROUTES.status);
    expect(status.body.backup?.running).toEqual({ since: agent.clock.wallMs });
    const again = await call('POST', ROUTES.backups);
    expect([again.status, again.body.error?.code]).toEqual([409, 'backup-running']);
  });
});

describe('restore drills through /api/v1/backups', () => {
  const drill = (n: number, wallMs: number, result: 'passed' | 'failed') =>
    JSON.stringify({
      v: 1,
      kind: 'drill',
      invocationId: id(n),
      startedAt: { wallMs: wallMs - 60_000, bootId: 'boot-1', monoMs: 1 },
      at: { wallMs, bootId: 'boot-1', monoMs: 2 },
      result,
      reason: result === 'passed' ? null : 'a file came back different',
      snapshot: { id: 'ab'.repeat(32), timeMs: wallMs - 3600_000 },
      check: { ok: true, readDataSubset: '5%', problem: null },
      files: {
        checked: 20,
        matched: result === 'passed' ? 20 : 19,
        mismatches:
          result === 'passed'
            ? []
            : [{ path: '/mnt/immich_drive/x.jpg', problem: 'its contents differ' }],
      },
      dump: {
        name: 'immich-db-backup-1.sql.gz',
        mtimeMs: wallMs,
        bytes: 10,
        ok: true,
        problem: null,
      },
      scratchRemoved: true,
    });

  it('carries the drills in recovery, newest first, and the issue in the summary', async () => {
    const { agent, call } = await setup();
    agent.recovery.spool.set(`${id(1)}.drill.json`, drill(1, agent.clock.wallMs - 5000, 'passed'));
    agent.recovery.spool.set(`${id(2)}.drill.json`, drill(2, agent.clock.wallMs - 1000, 'failed'));
    const page = await call<BackupsResponse>('GET', ROUTES.backups);
    const { recovery } = page.body;
    expect(recovery?.drills.map((d) => [d.id, d.result])).toEqual([
      [id(2), 'failed'],
      [id(1), 'passed'],
    ]);
    expect(recovery?.lastDrill?.mismatches).toEqual([
      { path: '/mnt/immich_drive/x.jpg', problem: 'its contents differ' },
    ]);
    expect(recovery?.lastPassedAt).toBe(agent.clock.wallMs - 5000);
    expect(page.body.summary.recoveryIssue).toBe('restore-test-failed');
    const status = await call<StatusResponse>('GET', ROUTES.status);
    expect(status.body.backup?.recoveryIssue).toBe('restore-test-failed');
  });

  it('starts a drill through the helper once the drive runs, then refuses a second and a backup', async () => {
    const { agent, call } = await setup();
    const locked = await call('POST', ROUTES.restoreTests);
    expect([locked.status, locked.body.error?.code]).toEqual([409, 'backup-drive-locked']);
    agent.pi.mapperOpen = true;
    agent.pi.mounted = true;
    for (const unit of agent.deps.config.units) agent.pi.units.set(unit, 'active');
    agent.clock.monoMs += 5000;
    agent.pi.requests.length = 0;
    const started = await call<{ started: true; at: number }>('POST', ROUTES.restoreTests);
    expect([started.status, started.body]).toEqual([
      202,
      { started: true, at: agent.clock.wallMs },
    ]);
    expect(agent.pi.requests).toEqual(['start-drill']);
    const again = await call('POST', ROUTES.restoreTests);
    expect([again.status, again.body.error?.code]).toEqual([409, 'restore-test-running']);
    const backup = await call('POST', ROUTES.backups);
    expect([backup.status, backup.body.error?.code]).toEqual([409, 'restore-test-running']);
    const page = await call<BackupsResponse>('GET', ROUTES.backups);
    expect(page.body.recovery?.running).toEqual({ since: agent.clock.wallMs });
  });
});
