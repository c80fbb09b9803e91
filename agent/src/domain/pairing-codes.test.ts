// Pairing codes: minted, matched by proof without being used up, redeemed once, revoked after 5 failures.
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalPairingCode, computePairingProof } from '../../../shared/protocol/index.ts';
import { MAX_PAIRING_FAILURES, PAIRING_CODE_TTL_MS, PairingCodes } from './pairing-codes.ts';

const hmac = async (key: Uint8Array, data: Uint8Array) =>
  new Uint8Array(createHmac('sha256', key).update(data).digest());

function setup() {
  const clock = { mono: 1_000, wall: 1_700_000_000_000 };
  const codes = new PairingCodes({
    monotonic: () => clock.mono,
    wall: () => clock.wall,
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    hmac,
  });
  return { clock, codes };
}

const agentKey = new Uint8Array(32).fill(7);
const deviceKey = new Uint8Array(32).fill(9);
const proofFor = (code: string) => computePairingProof(code, deviceKey, agentKey, hmac);

describe('PairingCodes', () => {
  it('mints canonical XXXX-XXXX codes that expire after 10 minutes', () => {
    const { codes, clock } = setup();
    const { code, expiresAt } = codes.mint();
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(canonicalPairingCode(code.toLowerCase())).toBe(code);
    expect(expiresAt).toBe(clock.wall + PAIRING_CODE_TTL_MS);
  });

  it('redeems a matched code once, with the agent proof, and keeps its name', async () => {
    const { codes } = setup();
    const { code } = codes.mint('Kitchen tablet');
    const matched = await codes.match(await proofFor(code), deviceKey, agentKey);
    expect(matched).not.toBeNull();
    if (!matched) return;
    const first = await codes.redeem(matched, deviceKey, agentKey);
    expect(first).toMatchObject({ ok: true, name: 'Kitchen tablet' });
    if (first.ok) expect(first.agentProof).toHaveLength(32);
    expect(await codes.match(await proofFor(code), deviceKey, agentKey)).toBeNull();
    // A second call that matched before the first redeemed gets nothing.
    expect(await codes.redeem(matched, deviceKey, agentKey)).toEqual({ ok: false });
  });

  it('carries the role it was minted for to the redeemed device, admin unless told', async () => {
    const { codes } = setup();
    const redeemed = async (code: string) => {
      const matched = await codes.match(await proofFor(code), deviceKey, agentKey);
      return matched && codes.redeem(matched, deviceKey, agentKey);
    };
    const viewer = codes.mint('Kid’s tablet', 'viewer');
    expect(viewer.role).toBe('viewer');
    expect(await redeemed(viewer.code)).toMatchObject({ ok: true, role: 'viewer' });
    const admin = codes.mint();
    expect(admin.role).toBe('admin');
    expect(await redeemed(admin.code)).toMatchObject({ ok: true, role: 'admin' });
  });

  it('matches without using up the code or counting a failure', async () => {
    const { codes } = setup();
    const { code } = codes.mint();
    const wrong = new Uint8Array(32);
    for (let i = 0; i < 3 * MAX_PAIRING_FAILURES; i++) {
      expect(await codes.match(wrong, deviceKey, agentKey)).toBeNull();
      expect(await codes.match(await proofFor(code), deviceKey, agentKey)).not.toBeNull();
    }
    expect(codes.openCount).toBe(1);
  });

  it('refuses a proof made for another device key', async () => {
    const { codes } = setup();
    const { code } = codes.mint();
    const other = new Uint8Array(32).fill(1);
    const proof = await computePairingProof(code, other, agentKey, hmac);
    expect(await codes.match(proof, deviceKey, agentKey)).toBeNull();
  });

  it('expires codes by the monotonic clock, not the wall clock', async () => {
    const { codes, clock } = setup();
    const { code } = codes.mint();
    const matched = await codes.match(await proofFor(code), deviceKey, agentKey);
    clock.wall += 365 * 24 * 3600 * 1000; // NTP steps the wall clock: codes must not care
    clock.mono += PAIRING_CODE_TTL_MS - 1;
    expect(codes.openCount).toBe(1);
    clock.mono += 1;
    expect(codes.openCount).toBe(0);
    expect(await codes.match(await proofFor(code), deviceKey, agentKey)).toBeNull();
    // Matched in time, redeemed too late: refused.
    if (matched) expect(await codes.redeem(matched, deviceKey, agentKey)).toEqual({ ok: false });
  });

  it('revokes every open code after five failed calls in total', async () => {
    const { codes } = setup();
    const { code } = codes.mint();
    codes.mint();
    for (let i = 1; i < MAX_PAIRING_FAILURES; i++) expect(codes.recordFailure()).toBe(false);
    expect(codes.openCount).toBe(2);
    expect(codes.recordFailure()).toBe(true);
    expect(codes.openCount).toBe(0);
    expect(await codes.match(await proofFor(code), deviceKey, agentKey)).toBeNull();
    // With nothing open, nothing is counted: the next code starts afresh.
    expect(codes.recordFailure()).toBe(false);
    codes.mint();
    for (let i = 1; i < MAX_PAIRING_FAILURES; i++) expect(codes.recordFailure()).toBe(false);
    expect(codes.recordFailure()).toBe(true);
  });
});
