// The only network code in the PWA: hello, pairing, every signed request, unlock (ARCHITECTURE §4-7).
import * as v from 'valibot';
import { ErrorResponse, ROUTES } from '../../../shared/api.ts';
import { type ErrorCode, SIGNATURE_CLOCK_CODES } from '../../../shared/errors.ts';
import { HelloResponse, PairRequest, PairResponse } from '../../../shared/pairing.ts';
import {
  bytesEqual,
  computeAgentProof,
  computePairingProof,
  fromBase64url,
  type SignBytes,
  signRequest,
  toBase64url,
  utf8Encode,
} from '../../../shared/protocol/index.ts';
import { AppStatusResponse } from '../../../shared/status.ts';
import { hmacSha256, randomBytes, sha256 } from '../web-crypto.ts';
import {
  AgentKeyChangedError,
  ApiError,
  checked,
  OfflineError,
  type Schema,
  WrongAgentError,
} from './errors.ts';
import { pushCalls } from './push.ts';
import type { unlockCalls } from './unlock.ts';

export {
  AgentKeyChangedError,
  ApiError,
  OfflineError,
  PassphraseLengthError,
  UnlockKeySignatureError,
  WrongAgentError,
} from './errors.ts';

/** Signer is a device key as the API needs it: its keyid and a way to sign with it. */
export interface Signer {
  keyid: string;
  sign: SignBytes;
}

/** ApiOptions are the client's seams; the browser uses the defaults, tests pass fakes. */
export interface ApiOptions {
  fetch?: typeof fetch;
  now?: () => number;
  /**
   * Prefix for request URLs: '' (same origin) in the app. Signatures name its host, or the
   * page's own (`location.host`), so they are good only at the agent they were made for.
   */
  origin?: string;
  timeoutMs?: number;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** createApi builds the client; `connect` gives it the paired device's signer and pinned agent key. */
export function createApi(options: ApiOptions = {}) {
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const now = options.now ?? Date.now;
  const origin = options.origin ?? '';
  // The app is served by the agent it talks to: the page's host is the agent's.
  const authority = () => (origin ? new URL(origin).host : globalThis.location.host);
  const timeoutMs = options.timeoutMs ?? 10_000;
  /** Agent clock minus local clock in ms, learnt from hello; null until hello answered. */
  let offsetMs: number | null = null;
  let signer: Signer | null = null;
  let pinnedAgentKey: Uint8Array | null = null;
  let agentKeyChanged = false;

  async function send(method: Method, path: string, query: string, body: unknown, by?: Signer) {
    // These exact bytes are both digested for the signature and sent.
    const bytes = body === undefined ? undefined : utf8Encode(JSON.stringify(body));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (bytes) headers['content-type'] = 'application/json';
    if (by) {
      const created = Math.floor((now() + (offsetMs ?? 0)) / 1000);
      const nonce = toBase64url(randomBytes(16));
      const signature = { method, path, query, body: bytes, keyid: by.keyid, created, nonce };
      Object.assign(
        headers,
        await signRequest({ ...signature, authority: authority(), sign: by.sign, sha256 }),
      );
    }
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      const init = {
        method,
        headers,
        signal: abort.signal,
        cache: 'no-store',
        redirect: 'error',
      } as const;
      return await doFetch(
        origin + path + query,
        bytes ? { ...init, body: new Uint8Array(bytes) } : init,
      );
    } catch (error) {
      throw new OfflineError(`The Pi could not be reached (${String(error)}).`);
    } finally {
      clearTimeout(timer);
    }
  }

  async function readAnswer<T>(response: Response, schema: Schema<T>): Promise<T> {
    const json: unknown = await response.json().catch(() => undefined);
    if (response.ok) {
      const answer = v.safeParse(schema, json);
      if (answer.success) return answer.output;
    } else {
      const failure = v.safeParse(ErrorResponse, json);
      if (failure.success)
        throw ApiError.fromAgent(
          failure.output.error.code,
          response.status,
          failure.output.error.message,
        );
      // A proxy (tailscale serve) answers 502-504 of its own when the agent is down.
      if (response.status >= 502 && response.status <= 504)
        throw new OfflineError(`The Pi is not answering (HTTP ${response.status}).`);
    }
    throw new ApiError(
      'unexpected-answer',
      response.status,
      'The Pi answered something this app does not understand.',
    );
  }

  /** hello learns the agent's clock and, once paired, checks the agent key is still the pinned one. */
  async function hello(): Promise<HelloResponse> {
    if (agentKeyChanged) throw new AgentKeyChangedError();
    const sentAt = now();
    const answer = await readAnswer(await send('GET', ROUTES.hello, '', undefined), HelloResponse);
    const agentKey = fromBase64url(answer.agentKey);
    if (pinnedAgentKey && !(agentKey && bytesEqual(agentKey, pinnedAgentKey))) {
      agentKeyChanged = true;
      throw new AgentKeyChangedError();
    }
    // The answer was made somewhere between sending and receiving: take the middle.
    offsetMs = answer.time - (sentAt + now()) / 2;
    return answer;
  }

  async function signed<T>(
    method: Method,
    path: string,
    schema: Schema<T>,
    query = '',
    body?: unknown,
  ): Promise<T> {
    if (agentKeyChanged) throw new AgentKeyChangedError();
    if (!signer) throw new Error('This device is not paired.');
    if (offsetMs === null) await hello();
    try {
      return await readAnswer(await send(method, path, query, body, signer), schema);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      // An agent that does not know this key may be another agent: check its key (hard stop if so).
      if (error.code === 'unknown-key') await hello();
      if (!SIGNATURE_CLOCK_CODES.includes(error.code as ErrorCode)) throw error;
      // The Pi's clock may have jumped (no RTC, NTP just synced): learn it again and retry once.
      await hello();
      return readAnswer(await send(method, path, query, body, signer), schema);
    }
  }

  /** pair sends the code's proof signed by the new key and checks the agent's proof in return. */
  async function pair(input: {
    code: string;
    name: string;
    /** The person typed the name: it wins over the code's (shared/pairing.ts). */
    named: boolean;
    agent: HelloResponse;
    publicKey: Uint8Array;
    by: Signer;
  }) {
    const agentKey = fromBase64url(input.agent.agentKey);
    if (!agentKey)
      throw new ApiError('unexpected-answer', 200, 'The Pi sent a key this app cannot read.');
    const proof = await computePairingProof(input.code, input.publicKey, agentKey, hmacSha256);
    const body = checked(PairRequest, {
      name: input.name,
      named: input.named,
      publicKey: toBase64url(input.publicKey),
      proof: toBase64url(proof),
    });
    const answer = await readAnswer(
      await send('POST', ROUTES.pair, '', body, input.by),
      PairResponse,
    );
    const expected = await computeAgentProof(input.code, agentKey, input.publicKey, hmacSha256);
    const received = fromBase64url(answer.agentProof);
    if (!(received && bytesEqual(received, expected))) throw new WrongAgentError();
    return answer;
  }

  let unlockModule: Promise<ReturnType<typeof unlockCalls>> | null = null;
  function unlocking() {
    unlockModule ??= import('./unlock.ts').then(
      (module) =>
        module.unlockCalls({
          signed,
          pinnedAgentKey: () => pinnedAgentKey,
          stop: () => {
            agentKeyChanged = true;
          },
        }),
      (error) => {
        unlockModule = null; // a failed load (the app updated meanwhile) is tried again next time
        throw error;
      },
    );
    return unlockModule;
  }

  return {
    hello,
    pair,
    // Unlock, lock and their operation load with the first of them, outside the first load (§12).
    unlockKey: async () => (await unlocking()).unlockKey(),
    unlock: async (passphrase: string | Uint8Array) => (await unlocking()).unlock(passphrase),
    checkPassphrase: async (passphrase: string | Uint8Array) =>
      (await unlocking()).checkPassphrase(passphrase),
    lock: async () => (await unlocking()).lock(),
    operation: async (id: string) => (await unlocking()).operation(id),
    ...pushCalls({ signed }),
    /** backupCalls loads the Backups screen's calls on first use, outside the first load (§12). */
    backupCalls: async () => (await import('./backups.ts')).backupCalls({ signed }),
    /** deviceCalls loads the Devices and Activity screens' calls on first use, likewise. */
    deviceCalls: async () => (await import('./devices.ts')).deviceCalls({ signed }),
    /** immichCalls loads the Immich tile's and the guard settings' calls on first use, likewise. */
    immichCalls: async () => (await import('./immich.ts')).immichCalls({ signed }),
    /** connect signs from now on with this device and stops at any agent key but this one. */
    connect(device: { signer: Signer; agentKey: Uint8Array } | null) {
      signer = device?.signer ?? null;
      pinnedAgentKey = device?.agentKey ?? null;
      agentKeyChanged = false;
      offsetMs = null;
    },
    /** clockOffsetMs is the agent clock minus the local clock, null before hello answered. */
    clockOffsetMs: () => offsetMs,
    status: () => signed('GET', ROUTES.status, AppStatusResponse),
  };
}

/** Api is the client the views use through the store. */
export type Api = ReturnType<typeof createApi>;
