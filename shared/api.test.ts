import * as v from 'valibot';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  AuditQuery,
  AuditResponse,
  DeviceName,
  DevicesResponse,
  HelloResponse,
  PairingCodeRequest,
  PairRequest,
  PairResponse,
  RenameDeviceRequest,
  ROUTES,
  StatusResponse,
} from './api.ts';
import { ERROR_STATUS, type ErrorCode, isErrorCode } from './errors.ts';

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
  pairRequest: { name: 'Anna’s phone 📱', publicKey: key, proof: key },
  pairResponse: { deviceId: keyid, name: 'Anna', agentProof: key },
  status: {
    time: 2,
    sampledAt: 1,
    bootId: 'b',
    uptimeSeconds: 10,
    drive: { state: 'locked' },
    temperatureC: 48.5,
    undervoltage: null,
    disks: [{ id: 'sd', mountPoint: '/', usedBytes: 1, totalBytes: 2, usedPercent: 50 }],
    warnings: [{ code: 'state-recovered', message: 'm', at: 1 }],
  },
  devices: { devices: [{ id: keyid, name: 'n', pairedAt: 1, lastSeenAt: null, current: true }] },
  audit: {
    entries: [{ id: 1, at: 1, kind: 'device-paired', deviceId: keyid, detail: 'd' }],
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
    expect(v.safeParse(RenameDeviceRequest, { name: 'ok' }).success).toBe(true);
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
  });

  it('keep the wire types the code relies on', () => {
    expectTypeOf<v.InferOutput<typeof StatusResponse>['drive']['state']>().toEqualTypeOf<
      'missing' | 'locked' | 'unlocking' | 'running' | 'degraded' | 'failed' | 'locking'
    >();
    expectTypeOf<v.InferOutput<typeof PairRequest>>().toEqualTypeOf<{
      name: string;
      publicKey: string;
      proof: string;
    }>();
    expectTypeOf<ErrorCode>().toEqualTypeOf<keyof typeof ERROR_STATUS>();
  });
});

describe('error codes', () => {
  it('are kebab-case, each with a 4xx status (internal alone is 5xx)', () => {
    for (const [code, status] of Object.entries(ERROR_STATUS)) {
      expect(code).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
      if (code === 'internal' || code === 'replay-cache-full')
        expect(status).toBeGreaterThanOrEqual(500);
      else expect(status, code).toBeLessThan(500);
    }
    expect(isErrorCode('clock-skew')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
  });
});
