import nacl from 'tweetnacl';
import * as v from 'valibot';
import { beforeEach, describe, expect, it } from 'vitest';
import { fromBase64url, toBase64url } from '../../../shared/protocol/index.ts';
import { unlockKeyMessage } from '../../../shared/protocol/unlock-key.ts';
import { UnlockRequest } from '../../../shared/unlock.ts';
import { createDeviceKey, type DeviceKey } from '../keys.ts';
import { signerFor } from '../web-crypto.ts';
import {
  AgentKeyChangedError,
  ApiError,
  createApi,
  PassphraseLengthError,
  UnlockKeySignatureError,
} from './index.ts';

const OPERATION = {
  id: 'op-1',
  kind: 'unlock',
  state: 'running',
  startedAt: 1,
  finishedAt: null,
  steps: [
    { id: 'open', label: 'Opening the drive', state: 'running', startedAt: 1, finishedAt: null },
  ],
  error: null,
};

/** A stand-in agent for unlock: a signed per-start X25519 key it can rotate, and what it opened. */
async function fakeAgent() {
  const identity = await createDeviceKey();
  const state = {
    key: nacl.box.keyPair(),
    keyId: 'key-1',
    /** Another key signs the unlock key: what a swapped agent would send. */
    signer: identity,
    /** How many more POSTs to refuse as stale (rotating the key each time, like a restart). */
    staleAnswers: 0,
    calls: [] as string[],
    opened: [] as string[],
  };
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });
  const decode = (text: string) => fromBase64url(text) as Uint8Array;

  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname;
    state.calls.push(`${request.method} ${path}`);
    if (path === '/api/v1/hello')
      return json(200, {
        name: 'pi',
        version: '1',
        agentKey: toBase64url(identity.publicKey),
        fingerprint: 'x',
        time: Date.now(),
      });
    if (path === '/api/v1/unlock/key') {
      const message = unlockKeyMessage('boot', state.keyId, state.key.publicKey);
      const signature = await crypto.subtle.sign(
        'Ed25519',
        state.signer.keyPair.privateKey,
        message,
      );
      return json(200, {
        keyId: state.keyId,
        bootId: 'boot',
        publicKey: toBase64url(state.key.publicKey),
        signature: toBase64url(new Uint8Array(signature)),
      });
    }
    if (path === '/api/v1/unlock' || path === '/api/v1/unlock/check') {
      const body = v.parse(UnlockRequest, await request.json());
      if (state.staleAnswers > 0 || body.keyId !== state.keyId) {
        state.staleAnswers--;
        state.key = nacl.box.keyPair();
        state.keyId = `key-${state.calls.length}`;
        return json(409, { error: { code: 'unlock-key-stale', message: 'stale' } });
      }
      const bytes = nacl.box.open(
        decode(body.box),
        decode(body.nonce),
        decode(body.clientPublicKey),
        state.key.secretKey,
      );
      const text = bytes ? new TextDecoder().decode(bytes) : '<did not open>';
      state.opened.push(text);
      if (path.endsWith('/check')) return json(200, { matches: text === 'secret', triesLeft: 4 });
      return json(202, { operationId: 'op-1', joined: false });
    }
    if (path === '/api/v1/lock') return json(202, { operationId: 'op-2', joined: false });
    if (path === '/api/v1/operations/op-1') return json(200, { operation: OPERATION });
    if (path === '/api/v1/status') return json(200, {});
    return json(404, { error: { code: 'not-found', message: 'no' } });
  };
  return { state, fetch, identity };
}

describe('unlock calls', () => {
  let agent: Awaited<ReturnType<typeof fakeAgent>>;
  let device: DeviceKey;
  let api: ReturnType<typeof createApi>;
  const posts = () => agent.state.calls.filter((call) => call === 'POST /api/v1/unlock').length;

  beforeEach(async () => {
    agent = await fakeAgent();
    device = await createDeviceKey();
    api = createApi({ fetch: agent.fetch, origin: 'http://pi.test' });
    api.connect({
      signer: { keyid: device.keyid, sign: signerFor(device.keyPair.privateKey) },
      agentKey: agent.identity.publicKey,
    });
  });

  it('seals the passphrase to the signed key; the agent opens exactly what was typed', async () => {
    expect(await api.unlock(' pässwörd 🔑 ')).toEqual({ operationId: 'op-1', joined: false });
    expect(agent.state.opened).toEqual([' pässwörd 🔑 ']);
    expect(agent.state.calls).toEqual([
      'GET /api/v1/hello',
      'GET /api/v1/unlock/key',
      'POST /api/v1/unlock',
    ]);
  });

  it('fetches the new key and seals once more when the agent restarted in between', async () => {
    agent.state.staleAnswers = 1;
    expect(await api.unlock('secret')).toMatchObject({ operationId: 'op-1' });
    expect(posts()).toBe(2);
    expect(agent.state.opened).toEqual(['secret']);
  });

  it('gives up after one fresh seal', async () => {
    agent.state.staleAnswers = 5;
    await expect(api.unlock('secret')).rejects.toMatchObject({ code: 'unlock-key-stale' });
    expect(posts()).toBe(2);
  });

  it('stops for good at an unlock key not signed by the pinned agent key', async () => {
    agent.state.signer = await createDeviceKey();
    await expect(api.unlock('secret')).rejects.toBeInstanceOf(UnlockKeySignatureError);
    expect(posts()).toBe(0);
    const asked = agent.state.calls.length;
    await expect(api.status()).rejects.toBeInstanceOf(AgentKeyChangedError);
    expect(agent.state.calls.length).toBe(asked);
  });

  it('refuses an empty or too long passphrase without asking the Pi anything', async () => {
    await expect(api.unlock('')).rejects.toBeInstanceOf(PassphraseLengthError);
    await expect(api.unlock('x'.repeat(513))).rejects.toMatchObject({ bytes: 513 });
    expect(agent.state.calls).toEqual([]);
  });

  it('seals bytes it was given the same way, and leaves them to the caller', async () => {
    const bytes = new TextEncoder().encode('from the passkey');
    await api.unlock(bytes);
    expect(agent.state.opened).toEqual(['from the passkey']);
    expect(new TextDecoder().decode(bytes)).toBe('from the passkey');
  });

  it('checks a passphrase sealed like an unlock, with the stale-key retry', async () => {
    agent.state.staleAnswers = 1;
    expect(await api.checkPassphrase('secret')).toEqual({ matches: true, triesLeft: 4 });
    expect(await api.checkPassphrase('typo')).toEqual({ matches: false, triesLeft: 4 });
    expect(agent.state.opened).toEqual(['secret', 'typo']);
    expect(agent.state.calls.filter((call) => call === 'POST /api/v1/unlock/check')).toHaveLength(
      3,
    );
    await expect(api.checkPassphrase('')).rejects.toBeInstanceOf(PassphraseLengthError);
  });

  it('starts a lock and reads an operation', async () => {
    expect(await api.lock()).toEqual({ operationId: 'op-2', joined: false });
    expect(agent.state.calls.at(-1)).toBe('POST /api/v1/lock');
    expect(await api.operation('op-1')).toMatchObject({ id: 'op-1', state: 'running' });
    const missing = await api.operation('nope').catch((error) => error);
    expect(missing).toBeInstanceOf(ApiError);
  });
});
