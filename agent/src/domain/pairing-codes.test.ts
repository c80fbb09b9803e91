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

  it('redeems a code once, with the agent proof, and keeps its name', async () => {
    const { codes } = setup();
    const { code } = codes.mint('Kitchen tablet');
    const first = await codes.redeem(await proofFor(code), deviceKey, agentKey);
    expect(first).toMatchObject({ ok: true, name: 'Kitchen tablet' });
    if (first.ok) expect(first.agentProof).toHaveLength(32);
    expect(await codes.redeem(await proofFor(code), deviceKey, agentKey)).toEqual({
      ok: false,
      lockedOut: false,
    });
  });

  it('refuses a proof made for another device key', async () => {
    const { codes } = setup();
    const { code } = codes.mint();
    const other = new Uint8Array(32).fill(1);
    const proof = await computePairingProof(code, other, agentKey, hmac);
    expect((await codes.redeem(proof, deviceKey, agentKey)).ok).toBe(false);
  });

  it('expires codes by the monotonic clock, not the wall clock', async () => {
    const { codes, clock } = setup();
    const { code } = codes.mint();
    clock.wall += 365 * 24 * 3600 * 1000; // NTP steps the wall clock: codes must not care
    clock.mono += PAIRING_CODE_TTL_MS - 1;
    expect(codes.openCount).toBe(1);
    clock.mono += 1;
    expect(codes.openCount).toBe(0);
    expect((await codes.redeem(await proofFor(code), deviceKey, agentKey)).ok).toBe(false);
  });

  it('revokes every open code after five failed calls in total', async () => {
    const { codes } = setup();
    const { code } = codes.mint();
    codes.mint();
    const wrong = new Uint8Array(32);
    for (let i = 1; i < MAX_PAIRING_FAILURES; i++) {
      expect(await codes.redeem(wrong, deviceKey, agentKey)).toEqual({
        ok: false,
        lockedOut: false,
      });
    }
    expect(await codes.redeem(wrong, deviceKey, agentKey)).toEqual({ ok: false, lockedOut: true });
    expect(codes.openCount).toBe(0);
    expect((await codes.redeem(await proofFor(code), deviceKey, agentKey)).ok).toBe(false);
  });
});
