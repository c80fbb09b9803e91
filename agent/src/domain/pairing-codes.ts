// Open pairing codes: minted by the CLI or a paired phone, matched by proof, single-use, 10 minutes.
import type { HmacSha256 } from '../../../shared/protocol/index.ts';
import {
  bytesEqual,
  computeAgentProof,
  computePairingProof,
  formatPairingCode,
} from '../../../shared/protocol/index.ts';

export const PAIRING_CODE_TTL_MS = 10 * 60 * 1000;
/** Failed pair calls, in total, after which every open code is revoked (ARCHITECTURE §6). */
export const MAX_PAIRING_FAILURES = 5;
const MAX_OPEN_CODES = 10;

interface OpenCode {
  code: string;
  name: string | undefined;
  expiresAtMono: number;
}

export interface PairingCodesDeps {
  monotonic: () => number;
  wall: () => number;
  randomBytes: (n: number) => Uint8Array;
  hmac: HmacSha256;
}

export type RedeemResult =
  | { ok: true; name: string | undefined; agentProof: Uint8Array }
  | { ok: false; lockedOut: boolean };

/** PairingCodes holds the open codes in memory only: a restart revokes them all. */
export class PairingCodes {
  private open: OpenCode[] = [];
  private failures = 0;

  constructor(private readonly deps: PairingCodesDeps) {}

  /** mint opens a new code; `name` is what the paired device will be called. */
  mint(name?: string): { code: string; expiresAt: number } {
    this.dropExpired();
    const code = formatPairingCode(this.deps.randomBytes(5));
    this.open = [
      ...this.open,
      { code, name, expiresAtMono: this.deps.monotonic() + PAIRING_CODE_TTL_MS },
    ];
    this.open = this.open.slice(-MAX_OPEN_CODES);
    return { code, expiresAt: this.deps.wall() + PAIRING_CODE_TTL_MS };
  }

  /** openCount is how many codes can still be redeemed. */
  get openCount(): number {
    this.dropExpired();
    return this.open.length;
  }

  /**
   * redeem finds the open code that the device's proof was made with and uses it up. The code
   * itself never travels: only HMAC(code, context ‖ devicePublicKey ‖ agentKey) does.
   */
  async redeem(
    proof: Uint8Array,
    devicePublicKey: Uint8Array,
    agentKey: Uint8Array,
  ): Promise<RedeemResult> {
    this.dropExpired();
    for (const candidate of this.open) {
      const expected = await computePairingProof(
        candidate.code,
        devicePublicKey,
        agentKey,
        this.deps.hmac,
      );
      if (!bytesEqual(expected, proof)) continue;
      this.open = this.open.filter((c) => c !== candidate);
      if (this.open.length === 0) this.failures = 0;
      const agentProof = await computeAgentProof(
        candidate.code,
        agentKey,
        devicePublicKey,
        this.deps.hmac,
      );
      return { ok: true, name: candidate.name, agentProof };
    }
    return { ok: false, lockedOut: this.recordFailure() };
  }

  /** recordFailure counts a failed pair call; the fifth revokes every open code. */
  recordFailure(): boolean {
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
