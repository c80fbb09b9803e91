// Thousands of generated bad requests against the real agent over HTTP: never a 5xx, every error a
// stable code with its own status, and the agent still answering a normal signed request at the end.
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxPi } from '../../sandbox-pi/index.ts';
import { ROUTES } from '../../shared/api.ts';
import { ERROR_STATUS, isErrorCode } from '../../shared/errors.ts';
import { toBase64url } from '../../shared/protocol/index.ts';
import {
  type AgentProcess,
  newDeviceKey,
  type PairedDevice,
  pairedAgent,
  Signer,
  stopAllAgents,
} from '../fixtures/agent-process.ts';
import {
  b64,
  METHODS,
  pickFrom,
  type RawRequest,
  type SignedSpec,
  spec,
  words,
} from './fuzz-requests.ts';

const RUNS = 3_000;
const TIME_BUDGET_MS = 25_000;
const CONCURRENCY = 16;
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

// ---- Valid signed requests, then broken ---------------------------------------------------------
const ROUTE_OF: Record<string, (device: PairedDevice, pick: number) => [string, string]> = {
  status: () => ['GET', ROUTES.status],
  devices: () => ['GET', ROUTES.devices],
  audit: (_, pick) => ['GET', `${ROUTES.audit}?limit=${1 + (pick % 200)}&before=${pick}`],
  mint: () => ['POST', ROUTES.pairingCodes],
  rename: (device) => ['PATCH', ROUTES.device(device.id)],
  delete: () => ['DELETE', ROUTES.device(b64(16))], // never the fuzzing device itself
  pair: () => ['POST', ROUTES.pair],
  unknown: () => ['GET', '/api/v1/nope'],
  'unlock-key': () => ['GET', ROUTES.unlockKey],
  unlock: () => ['POST', ROUTES.unlock],
  lock: () => ['POST', ROUTES.lock],
  operation: (_, pick) => ['GET', ROUTES.operation(pick % 2 ? b64(16) : '%zz')],
};
type Draft = RawRequest & { s: SignedSpec; input: string; sig: string };
const flipAt = (text: string, at: number) =>
  `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;
const COMPONENT_LISTS = [
  '()',
  '("@method")',
  '("@method" "@path" "@query" "@query")',
  '("@method" "@path" "@query" "@authority")',
];
const MUTATE: Record<string, (d: Draft) => unknown> = {
  none: () => {},
  stale: () => {}, // `created` was chosen when signing
  method: (d) =>
    Object.assign(d, {
      method: pickFrom(
        METHODS.filter((m) => m !== d.method),
        d.s.pick,
      ),
    }),
  path: (d) =>
    Object.assign(d, { path: d.path + pickFrom(['/', '%2e', 'x', '/..', '%00', '?'], d.s.pick) }),
  query: (d) =>
    Object.assign(d, { path: `${d.path}${d.path.includes('?') ? '&' : '?'}a=${d.s.pick}` }),
  'sig-flip': (d) =>
    Object.assign(d.headers, { signature: flipAt(d.sig, 6 + (d.s.pick % (d.sig.length - 7))) }),
  'sig-bytes': (d) =>
    Object.assign(d.headers, {
      signature: `sig1=:${randomBytes(d.s.pick % 100).toString('base64')}:`,
    }),
  param: (d) => {
    const name = pickFrom(words('created nonce keyid alg tag expires x'), d.s.pick);
    const replaced = d.input.replace(new RegExp(`;${name}=[^;]*`), `;${name}=${d.s.junk}`);
    d.headers['signature-input'] =
      replaced === d.input ? `${d.input};${name}=${d.s.junk}` : replaced;
  },
  components: (d) =>
    Object.assign(d.headers, {
      'signature-input': d.input.replace(/\([^)]*\)/, pickFrom(COMPONENT_LISTS, d.s.pick)),
    }),
  label: (d) => Object.assign(d.headers, { 'signature-input': d.input.replace('sig1=', 'sig2=') }),
  'dup-input': (d) =>
    Object.assign(d.headers, { 'signature-input': [d.input, d.s.pick % 2 ? d.input : d.s.junk] }),
  'dup-sig': (d) =>
    Object.assign(d.headers, { signature: [d.sig, d.s.pick % 2 ? d.sig : d.s.junk] }),
  'drop-digest': (d) => delete d.headers['content-digest'],
  'drop-input': (d) => delete d.headers['signature-input'],
  'digest-alg': (d) =>
    Object.assign(d.headers, {
      'content-digest': `sha-512=:${randomBytes(64).toString('base64')}:`,
    }),
  'body-flip': (d) =>
    Object.assign(d, { body: Buffer.concat([d.body ?? Buffer.from('{}'), Buffer.from(' ')]) }),
  'body-drop': (d) => Object.assign(d, { body: undefined }),
  'body-add': (d) =>
    Object.assign(d, {
      body: Buffer.concat([d.body ?? Buffer.alloc(0), Buffer.from('{"name":"x"}')]),
    }),
  'content-type': (d) => Object.assign(d.headers, { 'content-type': d.s.contentType }),
  padding: (d) =>
    Object.assign(d.headers, { 'x-padding': 'p'.repeat(7_000 + (d.s.pick % 13_000)) }),
  replay: (d) => Object.assign(d, { times: 2 }),
};

/** buildSigned signs a request to one endpoint as a paired device would, then breaks it. */
async function buildSigned(s: SignedSpec, device: PairedDevice): Promise<RawRequest> {
  const [method, path] = (ROUTE_OF[s.template] ?? ROUTE_OF.status)?.(device, s.pick) ?? [
    'GET',
    '/',
  ];
  const pairKey = s.template === 'pair' ? await newDeviceKey() : null;
  const signer = pairKey ? new Signer(pairKey, device.baseUrl, device.offsetMs) : device;
  const fallback = {
    mint: { name: 'Tablet' },
    rename: { name: 'Fuzzer' },
    pair: pairKey && { name: 'Fuzz', publicKey: toBase64url(pairKey.publicKey), proof: s.proof },
    // A box sealed to no key this agent has: every field shaped right, nothing opens.
    unlock: { keyId: b64(16), clientPublicKey: b64(32), nonce: b64(24), box: s.proof },
  }[s.template];
  const body = s.body ?? (fallback ? Buffer.from(JSON.stringify(fallback)) : undefined);
  const now = signer.agentSeconds();
  const created =
    s.mutation === 'stale' ? pickFrom([now - 121, now + 121, now - 30, 0, 2 ** 40], s.pick) : now;
  const signed = await signer.sign(method, path, body && new Uint8Array(body), { created });
  const input = signed.headers['signature-input'] ?? '';
  const sig = signed.headers.signature ?? '';
  const draft: Draft = {
    label: `signed ${s.template}/${s.mutation}`,
    method,
    path,
    headers: signed.headers,
    body,
    s,
    input,
    sig,
  };
  MUTATE[s.mutation]?.(draft);
  const { s: _, input: __, sig: ___, ...raw } = draft;
  return raw;
}

type Outcome =
  | { status: number; headers: Record<string, unknown>; body: Buffer }
  | { error: string };

// What each connection carried last, to say what came before a connection was dropped.
const lastOnSocket = new WeakMap<object, string>();

/** send puts one request on a keep-alive connection and reads the whole answer. */
function send(port: number, agent: Agent, r: RawRequest): Promise<Outcome> {
  // node:http frames a body only when told how; unframed, it would become a second request.
  const framing = r.chunked
    ? { 'transfer-encoding': 'chunked' }
    : { 'content-length': String(r.body?.length) };
  const headers = { ...r.headers, ...(r.body ? framing : {}) };
  return new Promise((resolve) => {
    const req = request({
      host: '127.0.0.1',
      port,
      agent,
      method: r.method,
      path: r.path,
      headers,
      timeout: 10_000,
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', (error) => resolve({ error: error.message }));
    });
    let before = '';
    req.on('socket', (socket) => {
      before = lastOnSocket.get(socket) ?? 'nothing';
      lastOnSocket.set(socket, `${r.label} ${r.method} body ${r.body?.length ?? 0}`);
    });
    req.on('timeout', () => req.destroy(new Error('no answer in 10 s')));
    req.on('error', (error) => resolve({ error: `${error.message} (after ${before})` }));
    if (r.chunked && r.body) req.write(r.body);
    req.end(r.chunked ? undefined : r.body);
  });
}

/** problemWith says what is wrong with an answer, or null when it is a proper one. */
function problemWith(r: RawRequest, o: Outcome): string | null {
  // Node's parser refuses some requests before the agent sees them; the agent then answers JSON
  // even to a HEAD, which node:http (rightly) calls a parse error. Harmless: the socket closes.
  if ('error' in o)
    return r.method === 'HEAD' && /Data after `Connection: close`/.test(o.error) ? null : o.error;
  if (o.status >= 200 && o.status < 300) return null;
  const text = o.body.toString('utf8');
  if (o.status < 400 || o.status >= 500) return `status ${o.status}: ${text.slice(0, 200)}`;
  if (r.method === 'HEAD') return null;
  let json: { error?: { code?: unknown } };
  try {
    json = JSON.parse(text);
  } catch {
    return `${o.status} that is not JSON: ${JSON.stringify(text.slice(0, 100))}`;
  }
  const code = json.error?.code;
  if (!isErrorCode(code)) return `${o.status} without a stable code: ${text.slice(0, 200)}`;
  if (ERROR_STATUS[code] !== o.status) return `${code} answered with ${o.status}`;
  if (
    Object.keys(json).join() !== 'error' ||
    Object.keys(json.error ?? {}).join() !== 'code,message'
  )
    return `an error body with more than code and message: ${text.slice(0, 200)}`;
  return null;
}

describe('the agent under generated bad requests', () => {
  let pi: SandboxPi;
  let agent: AgentProcess;
  let device: PairedDevice;
  beforeAll(async () => {
    // Every signed mutation comes from one device: lift its rate limit far above the default,
    // and the global unsigned and failed-signature limits, so the garbage reaches the parsers.
    const lifted = 100_000;
    const security = {
      ratePerSecond: lifted,
      rateBurst: lifted,
      unsignedRatePerSecond: lifted,
      unsignedBurst: lifted,
      failedRatePerSecond: lifted,
      failedBurst: lifted,
    };
    ({
      pi,
      agent,
      phone: device,
    } = await pairedAgent({ withoutCryptsetup: true, security, phoneName: 'Fuzzer' }));
  });
  afterAll(async () => {
    await stopAllAgents();
    await pi?.remove();
  });

  it(`answers ${RUNS} with proper 4xx codes and keeps answering (FUZZ_SEED=${SEED})`, async () => {
    const specs = fc.sample(spec, { seed: SEED, numRuns: RUNS });
    const port = Number(new URL(agent.url).port);
    const http = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const deadline = Date.now() + TIME_BUDGET_MS;
    const problems = new Map<string, string>(); // one example of each kind of problem
    const statuses: Record<number, number> = {};
    let sent = 0;
    const worker = async () => {
      for (let next = specs.shift(); next && Date.now() < deadline; next = specs.shift()) {
        const r: RawRequest =
          next.kind === 'signed'
            ? await buildSigned(next, device)
            : { label: next.kind, ...next, body: next.body ?? undefined };
        for (let i = 0; i < (r.times ?? 1); i++) {
          const outcome = await send(port, http, r);
          sent += 1;
          if ('status' in outcome) statuses[outcome.status] = (statuses[outcome.status] ?? 0) + 1;
          const problem = problemWith(r, outcome);
          const where = `${r.label} ${r.method} ${r.path.slice(0, 80)} [${Object.keys(r.headers)}] body ${r.body?.length}`;
          if (problem)
            problems.set(`${r.label} ${r.method} ${problem.slice(0, 24)}`, `${where} → ${problem}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    http.destroy();
    console.info(`fuzz FUZZ_SEED=${SEED}: ${sent} requests, by status ${JSON.stringify(statuses)}`);

    expect([...problems.values()].slice(0, 30)).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(1_000);
    expect(agent.process.exitCode).toBeNull();
    expect((await device.signedFetch('GET', ROUTES.status)).status).toBe(200);
    expect(agent.stderr()).not.toMatch(/unexpected error|Error:/);
  });
});
