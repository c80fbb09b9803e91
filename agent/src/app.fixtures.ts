// Test support for the app's tests: an agent wired to fakes (a pinned clock, a FakePi and its
// helper that records every request), devices that pair and sign, and sealing as the PWA does.
export { FakePi, RIGHT_PASSPHRASE } from './fake-pi.fixtures.ts';

import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import nacl from 'tweetnacl';
import { ROUTES } from '../../shared/api.ts';
import {
  computePairingProof,
  fromBase64url,
  keyIdFor,
  signRequest,
  toBase64url,
  utf8Encode,
} from '../../shared/protocol/index.ts';
import type { UnlockKeyResponse, UnlockRequest } from '../../shared/unlock.ts';
import { hmacSha256, sha256 } from './adapters/node-crypto.ts';
import type { PushTarget, SendOutcome } from './adapters/push/send.ts';
import { SPOOL_NAME } from './adapters/spool.ts';
import { memoryFile } from './adapters/state-store/memory.fixtures.ts';
import { createApp } from './app.ts';
import { type Config, parseConfig } from './config.ts';
import { emptyAlertMemory } from './domain/alerts/engine.ts';
import { FakePi } from './fake-pi.fixtures.ts';
import { emptyPushState } from './services/alerts/push-store.ts';
import { emptyTemperatureFile } from './services/alerts/temperature-history.ts';
import { emptyAudit } from './services/audit.ts';
import { emptyBackups } from './services/backups/history.ts';
import { emptyDevices } from './services/devices.ts';
import type { DriveControlEvent } from './services/drive-control/index.ts';
import { emptyGuardFile } from './services/immich-guard.ts';
import { emptyDrills } from './services/recovery/drills-state.ts';
import { emptyDriveHealthFile } from './services/recovery/drive-health.ts';
import { emptyDumpWatchFile } from './services/recovery/dump-watch.ts';
import { buildServices } from './wiring.ts';

/** SentPush is one push the fake push service took: where, what (JSON text), how urgent. */
export interface SentPush {
  target: PushTarget;
  payload: string;
  urgency: string;
}

export interface AgentOptions {
  config?: Record<string, unknown>;
  /** Extra time the agent gives its helper: 0 makes step timeouts exact in tests. */
  helperGraceMs?: number;
  /** How many nonces the devices' replay cache holds (1000 unless told). */
  maxNonces?: number;
}

/** makeAgent builds the app on a FakePi with a pinned clock that only moves when told. */
export function makeAgent(options: AgentOptions = {}) {
  const clock = { wallMs: 1_764_000_000_000, monoMs: 50_000 };
  const time = { wall: () => clock.wallMs, monotonic: () => clock.monoMs, synced: () => true };
  const identity = generateKeyPairSync('ed25519');
  const agentKey = new Uint8Array(
    Buffer.from(identity.publicKey.export({ format: 'jwk' }).x ?? '', 'base64url'),
  );
  // In-process requests arrive on the configured port, so `http://localhost/` is this agent's,
  // and so is `http://pi.test/`, its publicUrl.
  const config: Config = parseConfig({
    listen: { port: 80 },
    publicUrl: 'http://pi.test/',
    ...options.config,
    security: {
      ratePerSecond: 100,
      maxNonces: options.maxNonces ?? 1000,
      ...(options.config?.security as object | undefined),
    },
  });
  const pi = new FakePi();
  const sent: SentPush[] = [];
  const pushAnswers: SendOutcome[] = [];
  // The spool as files by name.
  const spool = new Map<string, string>();
  // The verify unit's drill records, by name.
  const drillSpool = new Map<string, string>();
  const auditFile = memoryFile(emptyAudit());
  const silent = { info: () => {}, error: () => {} };
  const deps = buildServices(config, {
    version: 'test',
    clock: time,
    startedAtMono: clock.monoMs,
    systemMonotonicMs: () => clock.monoMs,
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    bootId: 'boot-1',
    identity: {
      publicKey: agentKey,
      fingerprint: 'TEST-TEST-TEST-TEST',
      sign: (bytes) => new Uint8Array(sign(null, bytes, identity.privateKey)),
    },
    state: {
      devices: memoryFile(emptyDevices()),
      audit: auditFile,
      alerts: memoryFile(emptyAlertMemory()),
      push: memoryFile(emptyPushState()),
      backups: memoryFile(emptyBackups()),
      guard: memoryFile(emptyGuardFile()),
      drills: memoryFile(emptyDrills()),
      driveHealth: memoryFile(emptyDriveHealthFile()),
      dumpWatch: memoryFile(emptyDumpWatchFile()),
      temperature: memoryFile(emptyTemperatureFile()),
    },
    readDumpDir: async () => ({ kind: 'missing' }),
    system: { sample: async () => pi.sample() },
    readUnitStates: async (units) => {
      pi.unitReads.push([...units]);
      return units.map((unit) => pi.units.get(unit) ?? 'inactive');
    },
    callHelper: pi.callHelper,
    pingImmich: async () => pi.immichAnswers && pi.units.get('immich-server.service') === 'active',
    immichJobs: pi.immich.client,
    readImmichKey: pi.immich.readKey,
    readNextRun: async () => clock.wallMs + 3600_000,
    spool: {
      list: async () =>
        [...spool.keys()].flatMap((name) => {
          const match = SPOOL_NAME.exec(name);
          return match
            ? [{ id: match[1] as string, kind: match[2] as 'before' | 'run', name, mtimeMs: 0 }]
            : [];
        }),
      read: async (name) => {
        const text = spool.get(name);
        if (text === undefined) throw Object.assign(new Error('gone'), { code: 'ENOENT' });
        return text;
      },
    },
    drillSpool: {
      list: async () => [...drillSpool.keys()],
      read: async (name) => {
        const text = drillSpool.get(name);
        if (text === undefined) throw Object.assign(new Error('gone'), { code: 'ENOENT' });
        return text;
      },
    },
    readDrillNextRun: async () => clock.wallMs + 7 * 24 * 3600_000,
    // The push service at the edge: records the push, answers the next queued outcome.
    sendPush: async (target, payload, { urgency }) => {
      sent.push({ target, payload, urgency });
      return pushAnswers.shift() ?? { kind: 'delivered', status: 201 };
    },
    pushReady: async () => {},
    warnings: () => [],
    log: silent,
    tuning: {
      // Waiting moves the pinned clock, so a five-minute wait takes no time.
      sleep: async (ms) => {
        clock.monoMs += ms;
        clock.wallMs += ms;
      },
      helperGraceMs: options.helperGraceMs ?? 0,
      pushBackoffMs: [1],
    },
  });
  const events: DriveControlEvent[] = [];
  deps.driveControl.listen((event) => events.push(event));
  const push = {
    sent,
    answers: pushAnswers,
    store: deps.pushStore,
    history: deps.temperatureHistory,
  };
  const backup = {
    spool,
    /** The device of every backup started, in order (null for a catch-up). */
    get starts() {
      return auditFile.value.entries
        .filter((entry) => entry.kind === 'backup-started')
        .map((entry) => entry.deviceId);
    },
    service: deps.backups,
  };
  const recovery = { spool: drillSpool, service: deps.recovery };
  return {
    app: createApp(deps),
    deps,
    clock,
    agentKey,
    identity,
    pi,
    events,
    alerts: deps.alerts,
    push,
    backup,
    recovery,
  };
}

/** newDevice makes a phone's Ed25519 key pair, not yet paired. */
export function newDevice() {
  const pair = generateKeyPairSync('ed25519');
  const publicKey = new Uint8Array(
    Buffer.from(pair.publicKey.export({ format: 'jwk' }).x ?? '', 'base64url'),
  );
  const signBytes = async (data: Uint8Array) => new Uint8Array(sign(null, data, pair.privateKey));
  return { publicKey, signBytes };
}

export type Agent = ReturnType<typeof makeAgent>;
export type Device = ReturnType<typeof newDevice>;

/**
 * signed builds a request signed by device in the agent's clock, sent to and signed for the
 * agent's publicUrl; `body` is sent as JSON.
 */
export async function signed(
  agent: Agent,
  device: Device,
  method: string,
  path: string,
  body?: unknown,
) {
  const bytes = body === undefined ? undefined : utf8Encode(JSON.stringify(body));
  const url = new URL(path, agent.deps.config.publicUrl);
  const headers = await signRequest({
    method,
    authority: url.host,
    path: url.pathname,
    query: url.search,
    body: bytes,
    keyid: await keyIdFor(device.publicKey, sha256),
    created: Math.floor(agent.clock.wallMs / 1000),
    nonce: toBase64url(new Uint8Array(randomBytes(16))),
    sign: device.signBytes,
    sha256,
  });
  return new Request(url, {
    method,
    headers: bytes ? { ...headers, 'content-type': 'application/json' } : headers,
    body: bytes,
  });
}

/** pairBody is the pair request's body the app sends for a code: name, key and proof. */
export async function pairBody(agent: Agent, device: Device, code: string, name = 'Test phone') {
  const proof = await computePairingProof(code, device.publicKey, agent.agentKey, hmacSha256);
  return { name, publicKey: toBase64url(device.publicKey), proof: toBase64url(proof) };
}

/** pairDevice sends the signed pair request the app sends for a code. */
export async function pairDevice(agent: Agent, device: Device, code: string, name = 'Test phone') {
  const body = await pairBody(agent, device, code, name);
  return agent.app.request(await signed(agent, device, 'POST', ROUTES.pair, body));
}

/** pairedDevice makes a device and pairs it with a fresh code. */
export async function pairedDevice(agent: Agent): Promise<Device> {
  const device = newDevice();
  const res = await pairDevice(agent, device, agent.deps.pairing.mint().code);
  if (res.status !== 201) throw new Error(`pairing failed: ${res.status}`);
  return device;
}

/** sealFor seals passphrase bytes to the agent's unlock key, as the PWA does (nacl.box). */
export function sealFor(key: UnlockKeyResponse, passphrase: Uint8Array): UnlockRequest {
  const client = nacl.box.keyPair();
  const nonce = nacl.randomBytes(24);
  const agentKey = fromBase64url(key.publicKey) as Uint8Array;
  const box = nacl.box(passphrase, nonce, agentKey, client.secretKey);
  return {
    keyId: key.keyId,
    clientPublicKey: toBase64url(client.publicKey),
    nonce: toBase64url(nonce),
    box: toBase64url(box),
  };
}
