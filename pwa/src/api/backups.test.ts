import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import type { BackupRun, BackupRunSummary, BackupSummary } from '../../../shared/backups.ts';
import { toBase64url } from '../../../shared/protocol/index.ts';
import { describeError } from '../errors.ts';
import { createDeviceKey } from '../keys.ts';
import { signerFor } from '../web-crypto.ts';
import { backupCalls } from './backups.ts';
import { ApiError } from './errors.ts';
import { createApi } from './index.ts';
import type { Signed } from './signed.ts';
import { pageQuery } from './signed.ts';

const SUMMARY: BackupSummary = {
  lastGoodAt: 1_000,
  lastGoodSnapshotId: 'a1b2c3d4e5f6',
  lastResult: 'succeeded',
  nextAt: 90_000,
  running: null,
  stale: false,
  snapshots: 12,
  demo: false,
  recoveryIssue: null,
};
const RUN: BackupRunSummary = {
  id: '0123456789abcdef0123456789abcdef',
  seq: 7,
  startedAt: 500,
  endedAt: 1_000,
  durationSeconds: 0.5,
  result: 'succeeded',
  reason: null,
  flags: [],
  snapshotId: 'a1b2c3d4e5f6',
  filesNew: 3,
  filesChanged: 1,
  filesProcessed: 900,
  bytesAdded: 2_048,
  demo: false,
};
const FULL: BackupRun = {
  ...RUN,
  exit: { serviceResult: 'success', exitCode: 'exited', exitStatus: '0' },
  log: ['snapshot a1b2c3d4 successfully saved.'],
};

/** A stand-in for api.ts's signed request: records each call and answers through the schema. */
function fakeSigned(answers: Record<string, unknown>) {
  const calls: { method: string; path: string; query?: string; body?: unknown }[] = [];
  const signed: Signed = async (method, path, schema, query = '', body) => {
    calls.push({ method, path, query, body });
    const answer = answers[`${method} ${path}${query}`];
    if (answer instanceof Error) throw answer;
    return v.parse(schema, answer);
  };
  return { calls, api: backupCalls({ signed }) };
}

describe('backup calls', () => {
  it('asks for the first page, then the next one with its cursor', async () => {
    const { calls, api } = fakeSigned({
      'GET /api/v1/backups?limit=20': { summary: SUMMARY, runs: [RUN], next: '7', chart: [] },
      'GET /api/v1/backups?limit=20&before=7': {
        summary: SUMMARY,
        runs: [],
        next: null,
        chart: null,
      },
    });
    const first = await api.backups({ limit: 20 });
    expect(first.runs[0]?.id).toBe(RUN.id);
    const second = await api.backups({ limit: 20, before: first.next });
    expect(second.next).toBeNull();
    expect(calls.map((c) => c.query)).toEqual(['?limit=20', '?limit=20&before=7']);
  });

  it('fills in what an older agent leaves out, and refuses what breaks the contract', async () => {
    const { demo: _, ...fromOlderAgent } = RUN;
    const { api } = fakeSigned({
      'GET /api/v1/backups': { summary: SUMMARY, runs: [fromOlderAgent], next: null, chart: null },
      'GET /api/v1/backups?limit=5': {
        summary: SUMMARY,
        runs: [{ ...RUN, result: 'great' }],
        next: null,
        chart: null,
      },
    });
    expect((await api.backups()).runs[0]?.demo).toBe(false);
    await expect(api.backups({ limit: 5 })).rejects.toThrow();
  });

  it('reads one run in full by its escaped id', async () => {
    const { calls, api } = fakeSigned({ [`GET /api/v1/backups/${RUN.id}`]: { run: FULL } });
    expect(await api.backupRun(RUN.id)).toEqual(FULL);
    const odd = fakeSigned({ 'GET /api/v1/backups/a%2Fb': { run: FULL } });
    await odd.api.backupRun('a/b');
    expect(odd.calls[0]?.path).toBe('/api/v1/backups/a%2Fb');
    expect(calls[0]?.method).toBe('GET');
  });

  it('starts a backup with an empty POST, and a refusal reads as the agent meant it', async () => {
    const { calls, api } = fakeSigned({ 'POST /api/v1/backups': { started: true, at: 42 } });
    expect(await api.startBackup()).toEqual({ started: true, at: 42 });
    expect(calls).toEqual([
      { method: 'POST', path: '/api/v1/backups', query: '', body: undefined },
    ]);

    const running = new ApiError('backup-running', 409, 'busy');
    const refused = fakeSigned({ 'POST /api/v1/backups': running });
    await expect(refused.api.startBackup()).rejects.toBe(running);
    expect(describeError(running)).toBe('A backup is running already; wait for it to finish.');
    expect(describeError(new ApiError('backup-drive-locked', 409, 'locked'))).toBe(
      'The drive is locked: unlock it first, then back up.',
    );
  });

  it('keeps the moved nightly time with an empty POST and answers the time kept', async () => {
    const { calls, api } = fakeSigned({ 'POST /api/v1/backups/keep-schedule': { keptAt: 7 } });
    expect(await api.keepSchedule()).toBe(7);
    expect(calls).toEqual([
      { method: 'POST', path: '/api/v1/backups/keep-schedule', query: '', body: undefined },
    ]);
    const wrong = fakeSigned({ 'POST /api/v1/backups/keep-schedule': { keptAt: 'soon' } });
    await expect(wrong.api.keepSchedule()).rejects.toThrow();
    expect(describeError(new ApiError('backup-schedule-not-moved', 409, 'no'))).toBe(
      'The nightly backup did not move.',
    );
  });

  it('starts a restore test with an empty POST to its own path, and passes a refusal on', async () => {
    const path = '/api/v1/backups/restore-tests';
    const { calls, api } = fakeSigned({ [`POST ${path}`]: { started: true, at: 77 } });
    expect(await api.startRestoreTest()).toEqual({ started: true, at: 77 });
    expect(calls).toEqual([{ method: 'POST', path, query: '', body: undefined }]);

    const busy = new ApiError('restore-test-running', 409, 'busy');
    await expect(fakeSigned({ [`POST ${path}`]: busy }).api.startRestoreTest()).rejects.toBe(busy);
    expect(describeError(busy)).toBe('A restore test is running; wait for it to finish.');
    const odd = fakeSigned({ [`POST ${path}`]: { started: 'yes', at: 77 } });
    await expect(odd.api.startRestoreTest()).rejects.toThrow();
  });
});

const AGENT_KEY = toBase64url(new Uint8Array(32).fill(7));

describe('api.backupCalls', () => {
  it('loads the calls on first use and signs their query like any request', async () => {
    const device = await createDeviceKey();
    const seen: { url: string; signatureInput: string | null }[] = [];
    const answer = (body: unknown) => new Response(JSON.stringify(body), { status: 200 });
    const api = createApi({
      fetch: async (input, init) => {
        const request = new Request(input, init);
        seen.push({ url: request.url, signatureInput: request.headers.get('signature-input') });
        if (request.url.endsWith('/api/v1/hello'))
          return answer({
            name: 'pi',
            version: '1',
            agentKey: AGENT_KEY,
            fingerprint: 'x',
            time: 5,
          });
        return answer({ summary: SUMMARY, runs: [RUN], next: null, chart: null, recovery: null });
      },
      origin: 'http://pi.test',
    });
    api.connect({
      signer: { keyid: device.keyid, sign: signerFor(device.keyPair.privateKey) },
      agentKey: new Uint8Array(32).fill(7),
    });
    const page = await (await api.backupCalls()).backups({ limit: 20 });
    expect(page.summary).toEqual(SUMMARY);
    expect(seen.at(-1)?.url).toBe('http://pi.test/api/v1/backups?limit=20');
    expect(seen.at(-1)?.signatureInput).toContain('"@query"');
  });
});

describe('pageQuery', () => {
  it('leaves the defaults out and never sends a null cursor', () => {
    expect(pageQuery({})).toBe('');
    expect(pageQuery({ before: null })).toBe('');
    expect(pageQuery({ limit: 50, before: '120' })).toBe('?limit=50&before=120');
  });
});
