// Open pairing codes: minted by the CLI or a paired phone, matched by proof, single-use, 10 minutes.
import type { HmacSha256 } from '../../../shared/protocol/index.ts';
import {
  bytesEqual,
  computeAgentProof,
  computePairingProof,
  formatPairingCode,
} from '../../../shared/protocol/index.ts';
import type { Role } from '../../../shared/roles.ts';

export const PAIRING_CODE_TTL_MS = 10 * 60 * 1000;
/** Failed pair calls, in total, after which every open code is revoked (ARCHITECTURE §6). */
export const MAX_PAIRING_FAILURES = 5;
const MAX_OPEN_CODES = 10;

interface OpenCode {
  code: string;
  name: string | undefined;
  /** The role the paired device gets (the agent makes the very first device an admin anyway). */
  role: Role;
  expiresAtMono: number;
}

export interface PairingCodesDeps {
  monotonic: () => number;
  wall: () => number;
  randomBytes: (n: number) => Uint8Array;
  hmac: HmacSha256;
}

export type RedeemResult =
  | { ok: true; name: string | undefined; role: Role; agentProof: Uint8Array }
  | { ok: false };

/** MatchedCode is an open code a proof was made with, not yet used up (see PairingCodes.match). */
export type MatchedCode = Readonly<OpenCode>;

/**
 * PairingCodes holds the open codes in memory only: a restart revokes them all. Pairing is two
 * steps so that nothing is used up before the caller has checked the rest of the request:
 * `match` (a few HMACs, no state changed) and then `redeem`, which uses the code up.
 */
export class PairingCodes {
  private open: OpenCode[] = [];
  private failures = 0;

  constructor(private readonly deps: PairingCodesDeps) {}

  /** mint opens a new code; `name` is what the paired device will be called, `role` what it may do. */
  mint(name?: string, role: Role = 'admin'): { code: string; expiresAt: number; role: Role } {
    this.dropExpired();
    const code = formatPairingCode(this.deps.randomBytes(5));
    this.open = [
      ...this.open,
      { code, name, role, expiresAtMono: this.deps.monotonic() + PAIRING_CODE_TTL_MS },
    ];
    this.open = this.open.slice(-MAX_OPEN_CODES);
    return { code, expiresAt: this.deps.wall() + PAIRING_CODE_TTL_MS, role };
  }

  /** openCount is how many codes can still be redeemed. */
  get openCount(): number {
    this.dropExpired();
    return this.open.length;
  }

  /**
   * match finds the open code that the device's proof was made with, or null. The code itself
   * never travels: only HMAC(code, context ‖ devicePublicKey ‖ agentKey) does. It costs one
   * HMAC per open code (at most 10), uses nothing up and counts nothing: a failed pair call is
   * counted once by its caller, through recordFailure, whatever made it fail.
   */
  async match(
    proof: Uint8Array,
    devicePublicKey: Uint8Array,
    agentKey: Uint8Array,
  ): Promise<MatchedCode | null> {
    this.dropExpired();
    for (const candidate of this.open) {
      const expected = await computePairingProof(
        candidate.code,
        devicePublicKey,
        agentKey,
        this.deps.hmac,
      );
      if (bytesEqual(expected, proof)) return candidate;
    }
    return null;
  }

  /**
   * redeem uses up a matched code and answers the agent's proof for the device. It fails when
   * the code was used, revoked or expired since it matched (another call got there first).
   */
  async redeem(
    matched: MatchedCode,
    devicePublicKey: Uint8Array,
    agentKey: Uint8Array,
  ): Promise<RedeemResult> {
    this.dropExpired();
    if (!this.open.includes(matched as OpenCode)) return { ok: false };
    this.open = this.open.filter((c) => c !== matched);
    if (this.open.length === 0) this.failures = 0;
    const agentProof = await computeAgentProof(
      matched.code,
      agentKey,
      devicePublicKey,
      this.deps.hmac,
    );
    return { ok: true, name: matched.name, role: matched.role, agentProof };
  }

  /** recordFailure counts a failed pair call; the fifth revokes every open code. */
  recordFailure(): boolean {
    this.dropExpired();
    if (this.open.length === 0) return false;
    this.failures += 1;
    if (this.failures < MAX_PAIRING_FAILURES) return false;
    this.open = [];
    this.failures = 0;
    return true;
  }

  private dropExpired(): void {
    const now = this.deps.monotonic();
    this.open = this.open.filter((c) => c.expiresAtMono > now);
    if (this.open.length === 0) this.failures = 0;
  }
}
