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
import { PushQueue } from './adapters/push/queue.ts';
import type { PushTarget, SendOutcome } from './adapters/push/send.ts';
import { SPOOL_NAME } from './adapters/spool.ts';
import type { StateFile } from './adapters/state-store/index.ts';
import { createApp, type Deps } from './app.ts';
import { type Config, parseConfig } from './config.ts';
import { DeliveryPlanner } from './domain/alerts/delivery.ts';
import { AlertEngine, emptyAlertMemory } from './domain/alerts/engine.ts';
import { PairingCodes } from './domain/pairing-codes.ts';
import { ReplayGuard } from './domain/replay-guard.ts';
import { createUnlockKey } from './domain/unlock-key.ts';
import { FakePi } from './fake-pi.fixtures.ts';
import { AlertService } from './services/alerts/alert-service.ts';
import { emptyPushState, PushStore } from './services/alerts/push-store.ts';
import { TemperatureHistory } from './services/alerts/temperature-history.ts';
import { AuditLog, emptyAudit } from './services/audit.ts';
import { BackupService } from './services/backups/backup-service.ts';
import { emptyBackups } from './services/backups/history.ts';
import { DeviceRegistry, emptyDevices } from './services/devices.ts';
import { createDriveControl, type DriveControlEvent } from './services/drive-control/index.ts';
import { cacheSystem, createStatusSource } from './services/status.ts';

/** SentPush is one push the fake push service took: where, what (JSON text), how urgent. */
export interface SentPush {
  target: PushTarget;
  payload: string;
  urgency: string;
}

const memoryFile = <T>(value: T): StateFile<T> => ({
  value,
  async update(change) {
    (this as { value: T }).value = change(this.value);
  },
});

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
  });
  const random = (n: number) => new Uint8Array(randomBytes(n));
  const pi = new FakePi();
  const events: DriveControlEvent[] = [];
  const audit = new AuditLog(memoryFile(emptyAudit()), time.wall, () => {});
  const system = cacheSystem({ sample: async () => pi.sample() }, time);
  const driveControl = createDriveControl({
    config: { ...config, mountUnit: 'mnt-immich_drive.mount' },
    callHelper: pi.callHelper,
    probeDrive: async () => (await system.latest(0)).sample.drive,
    invalidateProbe: () => system.invalidate(),
    readUnitStates: async (units) => {
      pi.unitReads.push([...units]);
      return units.map((unit) => pi.units.get(unit) ?? 'inactive');
    },
    pingImmich: async () => pi.immichAnswers && pi.units.get('immich-server.service') === 'active',
    clock: time,
    randomBytes: random,
    audit,
    onEvent: (event) => {
      events.push(event);
      if (event.type === 'lock-started') alerts.lockStarted(); // as main.ts wires it
    },
    log: { info: () => {}, error: () => {} },
    // Waiting moves the pinned clock, so a five-minute wait takes no time.
    sleep: async (ms) => {
      clock.monoMs += ms;
      clock.wallMs += ms;
    },
    helperGraceMs: options.helperGraceMs ?? 0,
  });
  const sent: SentPush[] = [];
  const pushAnswers: SendOutcome[] = [];
  const pushStore = new PushStore(memoryFile(emptyPushState()));
  const alerts = new AlertService({
    engine: new AlertEngine(config.alerts),
    memory: memoryFile(emptyAlertMemory()),
    push: pushStore,
    planner: new DeliveryPlanner(),
    queue: new PushQueue({
      // The push service at the edge: records the push, answers the next queued outcome.
      send: async (target, payload, { urgency }) => {
        sent.push({ target, payload, urgency });
        return pushAnswers.shift() ?? { kind: 'delivered', status: 201 };
      },
      wall: time.wall,
      ready: async () => {},
      onOutcome: (deviceId, outcome, at) => {
        if (outcome.kind === 'gone') void alerts.unsubscribe(deviceId);
        else void pushStore.recordOutcome(deviceId, outcome, at);
      },
      backoffMs: [1],
    }),
    clock: time,
    publicUrl: config.publicUrl,
    extraOrigins: config.push.extraOrigins,
    pushEnabled: config.push.subject !== undefined,
    log: { info: () => {}, error: () => {} },
  });
  const temperatureHistory = new TemperatureHistory();
  // The spool as files by name, and every start the helper was asked for.
  const spool = new Map<string, string>();
  const backupStarts: (string | null)[] = [];
  const backups = new BackupService({
    config: config.backup,
    state: memoryFile(emptyBackups()),
    clock: time,
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
    readNextRun: async () => clock.wallMs + 3600_000,
    startUnit: async () => {
      pi.units.set(config.backupUnit, 'activating');
    },
    readUnitState: async () => pi.units.get(config.backupUnit) ?? 'inactive',
    bootId: 'boot-1',
    systemMonotonicMs: () => clock.monoMs,
    alerts,
    onStarted: (_why, deviceId) => backupStarts.push(deviceId),
    log: { info: () => {}, error: () => {} },
  });
  const deps: Deps = {
    config,
    version: 'test',
    clock: time,
    startedAtMono: clock.monoMs,
    agentKey,
    agentKeyText: toBase64url(agentKey),
    fingerprint: 'TEST-TEST-TEST-TEST',
    devices: new DeviceRegistry(memoryFile(emptyDevices())),
    audit,
    pairing: new PairingCodes({ ...time, randomBytes: random, hmac: hmacSha256 }),
    replay: new ReplayGuard({
      ttlMs: 240_000,
      maxEntries: options.maxNonces ?? 1000,
      ratePerSecond: 100,
      burst: 100,
      monotonic: time.monotonic,
    }),
    status: createStatusSource({ system, drive: driveControl, clock: time, warnings: () => [] }),
    unlockKey: createUnlockKey({
      bootId: 'boot-1',
      signWithIdentity: (bytes) => new Uint8Array(sign(null, bytes, identity.privateKey)),
      randomBytes: random,
    }),
    driveControl,
    alerts,
    backups,
    temperatureHistory,
    log: { info: () => {}, error: () => {} },
  };
  deps.devices.listen({
    paired: (device) => alerts.event('device-paired', { name: device.name }),
    revoked: (device) => void alerts.unsubscribe(device.id),
  });
  const push = { sent, answers: pushAnswers, store: pushStore, history: temperatureHistory };
  const backup = { spool, starts: backupStarts, service: backups };
  return {
    app: createApp(deps),
    deps,
    clock,
    agentKey,
    identity,
    pi,
    events,
    alerts,
    push,
    backup,
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
