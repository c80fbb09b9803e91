import * as v from 'valibot';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { DeviceName, ROUTES } from './api.ts';
import { AuditQuery, AuditResponse } from './audit.ts';
import { DevicesResponse, UpdateDeviceRequest } from './devices.ts';
import { ERROR_STATUS, type ErrorCode, isErrorCode, OPERATION_ERROR_CODES } from './errors.ts';
import { StatusResponse } from './immich.ts';
import { HelloResponse, PairingCodeRequest, PairRequest, PairResponse } from './pairing.ts';
import type { StatusResponse as StatusResponseType } from './status.ts';
import {
  MAX_PASSPHRASE_BYTES,
  OperationResponse,
  OperationStarted,
  UnlockKeyResponse,
  UnlockRequest,
} from './unlock.ts';

const key = 'A'.repeat(43); // base64url of 32 bytes
const keyid = 'B'.repeat(22);

const samples = {
  hello: {
    name: 'pi',
    version: '0.1.0',
    agentKey: key,
    fingerprint: 'ABCD-EFGH-JKMN-PQRS',
    time: 1,
  },
  pairRequest: { name: 'Anna’s phone 📱', named: true, publicKey: key, proof: key },
  pairResponse: { deviceId: keyid, name: 'Anna', agentProof: key, role: 'viewer' },
  status: {
    time: 2,
    sampledAt: 1,
    bootId: 'b',
    uptimeSeconds: 10,
    drive: { state: 'locked', health: null },
    temperatureC: 48.5,
    undervoltage: null,
    disks: [{ id: 'sd', mountPoint: '/', usedBytes: 1, totalBytes: 2, usedPercent: 50 }],
    warnings: [{ code: 'state-recovered', message: 'm', at: 1 }],
    units: [{ unit: 'immich-server.service', label: 'Immich', state: 'active' }],
    operation: { id: 'op1', kind: 'unlock' },
    unlock: { triesLeft: 5, retryAfterSeconds: null },
    immichWebUrl: 'http://pi.tail1234.ts.net:2283/',
    access: { role: 'viewer', adminNames: ['Anna’s phone'] },
    alerts: [
      {
        id: 'temp-high',
        kind: 'temp-high',
        critical: true,
        state: 'active',
        title: 'Pi is overheating (85 °C)',
        body: 'b',
        navigate: '/alerts',
        raisedAt: 1,
        resolvedAt: null,
        snoozedUntil: null,
      },
    ],
    push: { lastSentAt: 1, lastFailedAt: null, failingSince: null, lastError: null },
    backup: {
      lastGoodAt: 1,
      lastGoodSnapshotId: 'd52a',
      lastResult: 'failed',
      nextAt: 3,
      running: { since: 2 },
      stale: false,
      snapshots: 42,
      demo: false,
      recoveryIssue: null,
    },
    immich: {
      state: 'ok',
      message: '',
      version: 'v1.135.3',
      api: 'queues',
      queues: [
        {
          name: 'thumbnailGeneration',
          label: 'Thumbnails',
          waiting: 1204,
          active: 2,
          paused: true,
          heavy: true,
        },
      ],
      guard: {
        state: 'paused',
        reason: 'hot',
        since: 1,
        pausedQueues: ['thumbnailGeneration'],
        capped: false,
        lastError: null,
        settings: {
          enabled: true,
          pauseC: 75,
          pauseHoldSeconds: 60,
          resumeC: 65,
          resumeHoldSeconds: 300,
        },
        settingsFrom: 'config',
      },
      checkedAt: 2,
    },
  },
  unlockKey: { keyId: 'C'.repeat(22), publicKey: key, bootId: 'b', signature: 'A'.repeat(86) },
  unlockRequest: {
    keyId: 'C'.repeat(22),
    clientPublicKey: key,
    nonce: 'E'.repeat(32),
    box: 'F'.repeat(40),
  },
  operationStarted: { operationId: 'op1', joined: false },
  operation: {
    operation: {
      id: 'op1',
      kind: 'unlock',
      state: 'failed',
      startedAt: 1,
      finishedAt: 3,
      steps: [
        { id: 'open', label: 'Opening the drive', state: 'done', startedAt: 1, finishedAt: 2 },
        {
          id: 'start:immich-server.service',
          label: 'Starting Immich',
          state: 'failed',
          startedAt: 2,
          finishedAt: 3,
        },
        {
          id: 'ping',
          label: 'Waiting for Immich to answer',
          state: 'skipped',
          startedAt: null,
          finishedAt: null,
        },
      ],
      error: {
        code: 'unit-failed',
        message: 'Immich failed to start.',
        step: 'start:immich-server.service',
        unit: 'immich-server.service',
        logLines: ['line'],
        triesLeft: null,
        retryAfterSeconds: null,
      },
    },
  },
  devices: {
    devices: [
      { id: keyid, name: 'n', pairedAt: 1, lastSeenAt: null, current: true, role: 'viewer' },
    ],
  },
  audit: {
    entries: [
      { id: 2, at: 2, kind: 'locked', deviceId: keyid, deviceName: 'Anna', detail: 'd' },
      { id: 1, at: 1, kind: 'device-paired', deviceId: keyid, detail: 'd' },
    ],
    nextBefore: null,
  },
};

describe('API schemas', () => {
  it('round-trip every sample unchanged', () => {
    const pairs: Array<[v.GenericSchema, unknown]> = [
      [HelloResponse, samples.hello],
      [PairRequest, samples.pairRequest],
      [PairResponse, samples.pairResponse],
      [StatusResponse, samples.status],
      [DevicesResponse, samples.devices],
      [AuditResponse, samples.audit],
      [UnlockKeyResponse, samples.unlockKey],
      [UnlockRequest, samples.unlockRequest],
      [OperationStarted, samples.operationStarted],
      [OperationResponse, samples.operation],
    ];
    for (const [schema, sample] of pairs) {
      const parsed = v.parse(schema, JSON.parse(JSON.stringify(sample)));
      expect(parsed).toEqual(sample);
    }
  });

  it('refuse unknown fields in requests, wrong types and bad base64url', () => {
    expect(v.safeParse(PairRequest, { ...samples.pairRequest, admin: true }).success).toBe(false);
    expect(v.safeParse(PairRequest, { ...samples.pairRequest, publicKey: 42 }).success).toBe(false);
    expect(
      v.safeParse(PairRequest, { ...samples.pairRequest, proof: `${key.slice(1)}+` }).success,
    ).toBe(false);
    expect(v.safeParse(PairRequest, { ...samples.pairRequest, proof: key.slice(1) }).success).toBe(
      false,
    );
    expect(
      v.safeParse(StatusResponse, { ...samples.status, drive: { state: 'exploded' } }).success,
    ).toBe(false);
  });

  it('refuse unlock requests with unknown fields, bad sizes or a box beyond any passphrase', () => {
    const ok = samples.unlockRequest;
    expect(v.safeParse(UnlockRequest, { ...ok, passphrase: 'x' }).success).toBe(false);
    expect(v.safeParse(UnlockRequest, { ...ok, nonce: key }).success).toBe(false);
    expect(v.safeParse(UnlockRequest, { ...ok, box: 'F'.repeat(21) }).success).toBe(false);
    expect(v.safeParse(UnlockRequest, { ...ok, box: 'F'.repeat(2049) }).success).toBe(false);
    expect(v.safeParse(UnlockRequest, { ...ok, keyId: '' }).success).toBe(false);
    // The largest passphrase fits the schema: 512 bytes + the 16-byte tag is 704 characters.
    const largest = Math.ceil(((MAX_PASSPHRASE_BYTES + 16) * 4) / 3);
    expect(v.safeParse(UnlockRequest, { ...ok, box: 'F'.repeat(largest) }).success).toBe(true);
    expect(
      v.safeParse(OperationResponse, {
        operation: { ...samples.operation.operation, state: 'paused' },
      }).success,
    ).toBe(false);
  });

  it('take device names as trimmed plain text of 1-64 characters', () => {
    expect(v.parse(DeviceName, '  Kitchen tablet ')).toBe('Kitchen tablet');
    expect(v.parse(DeviceName, 'e\u0301')).toBe('é'); // NFC
    for (const bad of [
      '',
      '   ',
      'a'.repeat(65),
      'bell\u0007',
      'rtl\u202eoverride',
      'zero\u200bwidth',
      '\ud800lone',
      'private\ue000',
    ]) {
      expect(v.safeParse(DeviceName, bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(v.safeParse(UpdateDeviceRequest, { name: 'ok' }).success).toBe(true);
    expect(v.safeParse(PairingCodeRequest, {}).success).toBe(true);
  });

  it('parse audit paging from query strings, within bounds', () => {
    expect(v.parse(AuditQuery, { limit: '20', before: '99' })).toEqual({ limit: 20, before: 99 });
    for (const limit of ['0', '201', '-1', '1e3', 'abc']) {
      expect(v.safeParse(AuditQuery, { limit }).success, limit).toBe(false);
    }
  });

  it('escape device ids in routes', () => {
    expect(ROUTES.device('a/b?c')).toBe('/api/v1/devices/a%2Fb%3Fc');
    expect(ROUTES.operation('a/b')).toBe('/api/v1/operations/a%2Fb');
  });

  it('keep the wire types the code relies on', () => {
    // The agent builds the status type; tests and the Immich tile check with the schema.
    expectTypeOf<v.InferOutput<typeof StatusResponse>>().toEqualTypeOf<StatusResponseType>();
    expectTypeOf<v.InferOutput<typeof StatusResponse>['drive']['state']>().toEqualTypeOf<
      'missing' | 'locked' | 'unlocking' | 'running' | 'degraded' | 'failed' | 'locking'
    >();
    expectTypeOf<v.InferOutput<typeof PairRequest>>().toEqualTypeOf<{
      name: string;
      named?: boolean | undefined;
      publicKey: string;
      proof: string;
    }>();
    expectTypeOf<ErrorCode>().toEqualTypeOf<keyof typeof ERROR_STATUS>();
    expectTypeOf<v.InferOutput<typeof UnlockRequest>>().toEqualTypeOf<{
      keyId: string;
      clientPublicKey: string;
      nonce: string;
      box: string;
    }>();
    expectTypeOf<v.InferOutput<typeof OperationResponse>['operation']['state']>().toEqualTypeOf<
      'running' | 'succeeded' | 'failed'
    >();
  });
});

describe('error codes', () => {
  it('are kebab-case, each with a 4xx status (the agent’s own shortfalls alone are 5xx)', () => {
    for (const [code, status] of Object.entries(ERROR_STATUS)) {
      expect(code).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
      const serverSide = [
        'internal',
        'replay-cache-full',
        'helper-unavailable',
        'insufficient-memory',
        'immich-unavailable',
      ];
      if (serverSide.includes(code)) expect(status).toBeGreaterThanOrEqual(500);
      else expect(status, code).toBeLessThan(500);
    }
    expect(isErrorCode('clock-skew')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
  });

  it('include kebab-case operation error codes, distinct from each other', () => {
    for (const code of OPERATION_ERROR_CODES) expect(code).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
    expect(new Set(OPERATION_ERROR_CODES).size).toBe(OPERATION_ERROR_CODES.length);
  });
});
