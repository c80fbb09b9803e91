// Floods from the tailnet against the real agent (issue 15): pair calls signed by fresh keys, with
// and without an open code, and forged signed requests cannot make the owner's status or unlock
// answer 503; the pairing lockout and the forged burst each raise one alert.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSPHRASE, type SandboxPi } from '../../sandbox-pi/index.ts';
import type { Alert, AlertsResponse } from '../../shared/alerts.ts';
import { ROUTES } from '../../shared/api.ts';
import { toBase64url } from '../../shared/protocol/index.ts';
import {
  type AgentProcess,
  hello,
  mintCode,
  newDeviceKey,
  type PairedDevice,
  pairedAgent,
  Signer,
  stopAllAgents,
} from '../fixtures/agent-process.ts';
import { pollOperation, postUnlock, readStatus, requestJson } from '../fixtures/unlock-client.ts';

const CONNECTIONS = 4;
/**
 * The agent remembers at most this many nonces: room for the owner's own ~100 requests in this
 * file, while one flood alone is more than that (the old order kept a nonce per pair call).
 */
const MAX_NONCES = 200;
const FLOOD = 240;

let pi: SandboxPi;
let agent: AgentProcess;
let phone: PairedDevice;
let offsetMs = 0;

beforeAll(async () => {
  ({ pi, agent, phone } = await pairedAgent({
    // The shared unsigned limit is lifted so that every flooding call reaches the pair route.
    security: { maxNonces: MAX_NONCES, unsignedRatePerSecond: 100_000, unsignedBurst: 100_000 },
    phoneName: 'Owner',
  }));
  offsetMs = (await hello(agent.url)).offsetMs;
}, 60_000);

afterAll(async () => {
  await stopAllAgents();
  await pi?.remove();
});

/** onePairCall is what a stranger can send: a fresh key, a correct signature, a guessed proof. */
async function onePairCall(): Promise<number> {
  const key = await newDeviceKey();
  const signer = new Signer(key, agent.url, offsetMs);
  const body = {
    name: 'Stranger',
    publicKey: toBase64url(key.publicKey),
    proof: toBase64url(crypto.getRandomValues(new Uint8Array(32))),
  };
  const res = await signer.signedFetch('POST', ROUTES.pair, body);
  await res.arrayBuffer();
  return res.status;
}

/** oneForgedCall is a signed status request from a key the agent never paired. */
async function oneForgedCall(): Promise<{ status: number; retryAfter: string | null }> {
  const signer = new Signer(await newDeviceKey(), agent.url, offsetMs);
  const res = await signer.signedFetch('GET', ROUTES.status);
  await res.arrayBuffer();
  return { status: res.status, retryAfter: res.headers.get('retry-after') };
}

/**
 * flood sends `count` calls on CONNECTIONS at once while the owner's phone reads its status after
 * every tenth; answers the flood's statuses and every status the phone got.
 */
async function flood<T>(count: number, call: () => Promise<T>) {
  const answers: T[] = [];
  const phoneStatuses: number[] = [];
  let sent = 0;
  const worker = async () => {
    while (sent < count) {
      sent += 1;
      const nth = sent;
      answers.push(await call());
      if (nth % 10 === 0) {
        const res = await phone.signedFetch('GET', ROUTES.status);
        await res.arrayBuffer();
        phoneStatuses.push(res.status);
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  return { answers, phoneStatuses };
}

const alertsOfKind = async (kind: Alert['kind']) => {
  const answer = await requestJson<AlertsResponse>(phone, 'GET', ROUTES.alerts);
  return answer.body.history.filter((alert) => alert.kind === kind);
};

describe('a flood of pair calls signed by fresh keys', () => {
  it('with no code open, is refused without touching the nonces the owner needs', async () => {
    const { answers, phoneStatuses } = await flood(FLOOD, onePairCall);
    expect(new Set(answers)).toEqual(new Set([403]));
    expect(new Set(phoneStatuses)).toEqual(new Set([200]));
    expect((await readStatus(phone)).drive.state).toBe('locked');
  });

  it('with a code open, locks pairing once, alerts once, and still lets the owner unlock', async () => {
    await mintCode(pi, 'Tablet');
    const { answers, phoneStatuses } = await flood(FLOOD, onePairCall);
    expect(new Set(answers)).toEqual(new Set([403]));
    expect(new Set(phoneStatuses)).toEqual(new Set([200]));
    expect(await alertsOfKind('pairing-locked')).toHaveLength(1);

    const started = await postUnlock(phone, DEMO_PASSPHRASE);
    expect(started.status).toBe(202);
    const done = await pollOperation(phone, started.body.operationId, { everyMs: 250 });
    // The error rides along, so a failure under a loaded CI says which step and why.
    expect({ state: done.state, error: done.error }).toEqual({ state: 'succeeded', error: null });
  }, 60_000);
});

describe('a flood of forged signed requests', () => {
  it('is refused with Retry-After, raises one alert, and never refuses the owner', async () => {
    const { answers, phoneStatuses } = await flood(FLOOD, oneForgedCall);
    const statuses = new Set(answers.map((a) => a.status));
    expect(statuses).toEqual(new Set([401, 429]));
    for (const refused of answers.filter((a) => a.status === 429)) {
      expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    expect(new Set(phoneStatuses)).toEqual(new Set([200]));
    expect(await alertsOfKind('bad-signatures')).toHaveLength(1);
  }, 60_000);
});
