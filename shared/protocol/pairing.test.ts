import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesEqual, concatBytes, utf8Encode } from './bytes.ts';
import {
  canonicalPairingCode,
  computeAgentProof,
  computePairingProof,
  formatPairingCode,
} from './pairing.ts';

const hmac = async (key: Uint8Array, data: Uint8Array) =>
  new Uint8Array(createHmac('sha256', key).update(data).digest());
const deviceKey = new Uint8Array(32).fill(0x11);
const agentKey = new Uint8Array(32).fill(0x22);

describe('formatPairingCode', () => {
  it('writes 40 bits as XXXX-XXXX in Crockford base32', () => {
    expect(formatPairingCode(new Uint8Array(5))).toBe('0000-0000');
    expect(formatPairingCode(new Uint8Array(5).fill(0xff))).toBe('ZZZZ-ZZZZ');
    // 0x0842108421 is 1 in every 5-bit group.
    expect(formatPairingCode(new Uint8Array([0x08, 0x42, 0x10, 0x84, 0x21]))).toBe('1111-1111');
  });

  it('refuses anything but 5 bytes', () => {
    expect(() => formatPairingCode(new Uint8Array(4))).toThrow(RangeError);
  });
});

describe('canonicalPairingCode', () => {
  it.each([
    ['ABCD-EFGH', 'ABCD-EFGH'],
    ['abcdefgh', 'ABCD-EFGH'],
    ['  ab cd - ef gh ', 'ABCD-EFGH'],
    ['OoIl-LiOo', '0011-1100'],
    ['a-b-c-d-e-f-g-h', 'ABCD-EFGH'],
  ])('reads %j as %j', (input, expected) => {
    expect(canonicalPairingCode(input)).toBe(expected);
  });

  it.each([
    ['too short', 'ABCD-EFG'],
    ['too long', 'ABCD-EFGHJ'],
    ['U is not in the alphabet', 'ABCD-EFGU'],
    ['punctuation', 'ABCD_EFGH'],
    ['empty', ''],
    ['absurdly long', 'A'.repeat(1000)],
  ])('refuses %s', (_why, input) => {
    expect(canonicalPairingCode(input)).toBeNull();
  });
});

describe('pairing proofs', () => {
  it('is HMAC-SHA256 keyed by the canonical code over context ‖ device key ‖ agent key', async () => {
    const proof = await computePairingProof('abcd efgh', deviceKey, agentKey, hmac);
    const message = concatBytes(utf8Encode('immich-pi/pair/v1'), deviceKey, agentKey);
    expect(proof).toEqual(await hmac(utf8Encode('ABCD-EFGH'), message));
  });

  it('makes the agent proof over its own context ‖ agent key ‖ device key', async () => {
    const proof = await computeAgentProof('ABCD-EFGH', agentKey, deviceKey, hmac);
    const message = concatBytes(utf8Encode('immich-pi/pair/v1/agent'), agentKey, deviceKey);
    expect(proof).toEqual(await hmac(utf8Encode('ABCD-EFGH'), message));
  });

  it('differs per code, per key and between the two sides', async () => {
    const base = await computePairingProof('ABCD-EFGH', deviceKey, agentKey, hmac);
    const otherCode = await computePairingProof('ABCD-EFGJ', deviceKey, agentKey, hmac);
    const otherDevice = await computePairingProof(
      'ABCD-EFGH',
      new Uint8Array(32).fill(3),
      agentKey,
      hmac,
    );
    const otherAgent = await computePairingProof(
      'ABCD-EFGH',
      deviceKey,
      new Uint8Array(32).fill(3),
      hmac,
    );
    const swapped = await computePairingProof('ABCD-EFGH', agentKey, deviceKey, hmac);
    const agentSide = await computeAgentProof('ABCD-EFGH', agentKey, deviceKey, hmac);
    for (const other of [otherCode, otherDevice, otherAgent, swapped, agentSide]) {
      expect(bytesEqual(base, other)).toBe(false);
    }
  });

  it('refuses a code that is not one, and keys that are not 32 bytes', async () => {
    await expect(computePairingProof('nope', deviceKey, agentKey, hmac)).rejects.toThrow(
      RangeError,
    );
    await expect(
      computeAgentProof('ABCD-EFGH', new Uint8Array(33), deviceKey, hmac),
    ).rejects.toThrow(RangeError);
  });
});
