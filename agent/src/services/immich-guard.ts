// The thermal guard's service (ARCHITECTURE §16): on each monitor sample it reads the Immich API
// key from the drive, looks at Immich's queues, asks the pure ThermalGuard what to do and does it
// (pause and resume through Immich's API, the CPU cap through the helper). Which queues it paused
// is kept in guard.json, so that it resumes those and only those, after a restart too.
import * as v from 'valibot';
import type { AlertSubject } from '../../../shared/alerts.ts';
import {
  GuardSettings,
  type GuardSettingsRequest,
  type GuardStatus,
  type ImmichQueue,
  type ImmichState,
  type ImmichStatus,
  queueLabel,
} from '../../../shared/immich.ts';
import { type CallHelper, setCpuQuota } from '../adapters/helper-client.ts';
import {
  ImmichCallError,
  type ImmichJobsClient,
  type ImmichQueueState,
  type ImmichVersion,
} from '../adapters/immich-jobs.ts';
import type { ImmichKey } from '../adapters/immich-key.ts';
import type { StateFile } from '../adapters/state-store/index.ts';
import type { Config } from '../config.ts';
import type { ConditionKind } from '../domain/alerts/engine.ts';
import {
  EMPTY_GUARD_RECORD,
  type GuardRecord,
  type GuardStep,
  ThermalGuard,
} from '../domain/thermal-guard.ts';
import { guardStatusPart } from '../domain/thermal-guard-status.ts';
import { ApiError } from '../errors.ts';
import type { Clock, Logger } from '../ports.ts';
import type { AuditLog } from './audit.ts';
import type { DriveControl } from './drive-control/index.ts';

/** guard.json: the guard's record, and the settings an admin stored from the app (null: config's). */
export const GuardFile = v.object({
  record: v.object({
    paused: v.pipe(v.array(v.pipe(v.string(), v.maxLength(100))), v.maxLength(100)),
    capped: v.boolean(),
    since: v.nullable(v.number()),
    reason: v.nullable(v.picklist(['hot', 'throttled'])),
    overridden: v.boolean(),
  }),
  settings: v.nullable(GuardSettings),
});
export type GuardFile = v.InferOutput<typeof GuardFile>;

export const emptyGuardFile = (): GuardFile => ({
  record: { ...EMPTY_GUARD_RECORD, paused: [] },
  settings: null,
});

/** What the monitor tells the guard each sample. */
export interface GuardSample {
  temperatureC: number | null;
  throttled: boolean | null;
  /** The drive is unlocked and Immich's units run. */
  driveUp: boolean;
}

export interface ImmichGuardOptions {
  config: { guard: Config['guard']; pollSeconds: number };
  state: StateFile<GuardFile>;
  client: ImmichJobsClient;
  /** Reads the key file on the drive; called for each use, so the key is never kept. */
  readKey: () => Promise<ImmichKey>;
  callHelper: CallHelper;
  clock: Clock;
  alerts: {
    condition(
      kind: ConditionKind,
      active: boolean,
      subject: AlertSubject,
      options?: { alreadyNotified?: boolean },
    ): void;
  };
  audit: Pick<AuditLog, 'record'>;
  log: Logger;
}

const LOCKED_WORDS = 'The drive is locked, so Immich is stopped.';

/**
 * ImmichGuardService is the one owner of Immich's queues on the agent's side: the guard's steps,
 * the admins' pause and resume, and the settings run one at a time.
 */
export class ImmichGuardService {
  private readonly guard: ThermalGuard;
  private immich: { state: ImmichState; message: string } = {
    state: 'locked',
    message: LOCKED_WORDS,
  };
  private version: ImmichVersion | null = null;
  /** The queues as last read, for the tile; `fresh` says the last read worked. */
  private queues: ImmichQueueState[] = [];
  private fresh = false;
  private checkedAt: number | null = null;
  private lastPollMono = Number.NEGATIVE_INFINITY;
  private lastError: string | null = null;
  /** The last cap the guard tried failed: it is hot and nothing slows Immich. */
  private capFailed = false;
  /** After an unlock, the first read of the queues settles the record against them. */
  private settleAfterUnlock = false;
  private sample: GuardSample = { temperatureC: null, throttled: null, driveUp: false };
  private chain: Promise<unknown> = Promise.resolve();
  /**
   * It held something when the agent started: its alert was pushed before the restart (active
   * alerts are not kept), so it is raised again without a second push.
   */
  private restored: boolean;

  constructor(private readonly options: ImmichGuardOptions) {
    const { config, state } = options;
    const { record } = state.value;
    this.guard = new ThermalGuard(this.settings(), config.guard.queues, record);
    this.restored = record.paused.length > 0 || record.capped;
  }

  /** followDrive forgets Immich at a lock (its queues are out of reach until the next unlock). */
  followDrive(drive: Pick<DriveControl, 'listen'>): void {
    drive.listen((event) => {
      if (event.type === 'lock-started') {
        void this.serial(async () => this.forgetImmich());
      } else if (event.type === 'immich-back') {
        // Immich answers: its queues are read now, not at the next sample (up to pollSeconds
        // later), so the tile does not say "locked" beside a running drive, and an admin may
        // pause before the next sample says so.
        void this.serial(() => {
          this.settleAfterUnlock = true;
          return this.step({ ...this.sample, driveUp: true }, true);
        });
      }
    });
  }

  /** tick is one monitor sample: look at Immich when due, decide, act, persist, alert. */
  tick(sample: GuardSample): Promise<void> {
    return this.serial(() => this.step(sample, false));
  }

  status(): ImmichStatus {
    const heavy = new Set(this.options.config.guard.queues);
    const queues: ImmichQueue[] = this.queues
      .map((queue) => ({
        name: queue.name,
        label: queueLabel(queue.name),
        waiting: queue.waiting,
        active: queue.active,
        paused: queue.paused,
        heavy: heavy.has(queue.name),
      }))
      .sort((a, b) => Number(b.heavy) - Number(a.heavy));
    return {
      state: this.immich.state,
      message: this.immich.message,
      version: this.version?.version ?? null,
      api: this.version?.api ?? null,
      queues,
      guard: this.guardStatus(),
      checkedAt: this.checkedAt,
    };
  }

  /**
   * setJobs pauses or resumes the heavy queues for an admin. A pause by hand is the person's: the
   * guard hands over the queues it held and will not resume them. A resume while hot overrides
   * the guard until the Pi has cooled down.
   */
  setJobs(action: 'pause' | 'resume', deviceId: string | null): Promise<ImmichStatus> {
    return this.serial(async () => {
      if (!this.sample.driveUp) throw new ApiError('immich-unavailable', LOCKED_WORDS);
      const key = await this.key();
      if (!key.ok) throw new ApiError('immich-no-key', key.message);
      await this.poll(key.key);
      if (!this.fresh) throw new ApiError('immich-unavailable', this.immich.message);
      const wanted = action === 'pause';
      const heavy = new Set(this.options.config.guard.queues);
      const names = this.queues.filter((q) => heavy.has(q.name) && q.paused !== wanted);
      const failed: string[] = [];
      for (const { name } of names) {
        await this.setPaused(name, wanted, key.key).catch(() => failed.push(name));
      }
      const record = this.guard.record;
      const wall = this.options.clock.wall();
      if (wanted) {
        // Queues already paused by the guard become the person's: drop them from its record.
        if (record.paused.length > 0)
          this.guard.done({ kind: 'resume', queues: [...record.paused] }, true, wall);
      } else {
        if (this.guard.hot) this.guard.overridden(wall);
        else if (record.paused.length > 0)
          this.guard.done({ kind: 'resume', queues: [...record.paused] }, true, wall);
        if (record.capped) await this.carryOut({ kind: 'uncap' }, wall);
      }
      await this.persist();
      const done = names.map((q) => q.name).filter((name) => !failed.includes(name));
      if (done.length > 0) {
        await this.options.audit.record(
          wanted ? 'immich-jobs-paused' : 'immich-jobs-resumed',
          `${wanted ? 'Paused' : 'Resumed'} Immich’s ${labels(done)} by hand.`,
          deviceId,
        );
      }
      await this.poll(key.key);
      this.alert();
      if (failed.length > 0) {
        throw new ApiError(
          'immich-unavailable',
          `Immich did not ${action} ${labels(failed)}: ${this.immich.message || 'try again'}`,
        );
      }
      return this.status();
    });
  }

  /** setSettings stores an admin's thresholds (or goes back to the config's) and acts on them. */
  setSettings(request: GuardSettingsRequest, deviceId: string | null): Promise<ImmichStatus> {
    return this.serial(async () => {
      const settings = 'reset' in request ? null : request;
      await this.options.state.update((file) => ({ ...file, settings }));
      const now = this.settings();
      this.guard.setSettings(now);
      await this.options.audit.record(
        'guard-settings-changed',
        settings === null
          ? `The thermal guard is back to the Pi’s settings (${settingsWords(now)}).`
          : `The thermal guard is now ${settingsWords(now)}.`,
        deviceId,
      );
      await this.step(this.sample, false);
      return this.status();
    });
  }

  private settings(): GuardSettings {
    const { enabled, pauseC, pauseHoldSeconds, resumeC, resumeHoldSeconds } =
      this.options.config.guard;
    return (
      this.options.state.value.settings ?? {
        enabled,
        pauseC,
        pauseHoldSeconds,
        resumeC,
        resumeHoldSeconds,
      }
    );
  }

  private guardStatus(): GuardStatus {
    const settings = this.settings();
    return {
      ...guardStatusPart(this.guard.record, settings.enabled),
      lastError: this.lastError,
      settings,
      settingsFrom: this.options.state.value.settings === null ? 'config' : 'app',
    };
  }

  private async step(sample: GuardSample, forcePoll: boolean): Promise<void> {
    this.sample = sample;
    const { clock } = this.options;
    const mono = clock.monotonic();
    const wall = clock.wall();
    if (!sample.driveUp) this.forgetImmich();
    else if (forcePoll || this.pollDue(mono)) {
      this.lastPollMono = mono;
      const key = await this.key();
      if (key.ok) await this.poll(key.key);
    }
    if (this.settleAfterUnlock && this.fresh) this.settle(wall);
    const steps = this.guard.decide({
      mono,
      wall,
      temperatureC: sample.temperatureC,
      throttled: sample.throttled,
      driveUp: sample.driveUp,
      queues: sample.driveUp && this.fresh ? this.queues : null,
    });
    for (const step of steps) await this.carryOut(step, wall);
    if (!this.guard.hot) this.capFailed = false;
    await this.persist();
    this.alert();
  }

  /** Queues are read every sample while the guard holds or may soon act, else every pollSeconds. */
  private pollDue(mono: number): boolean {
    const { temperatureC, throttled } = this.sample;
    const record = this.guard.record;
    const urgent =
      this.guard.hot ||
      throttled === true ||
      record.paused.length > 0 ||
      record.capped ||
      (temperatureC !== null && temperatureC >= this.settings().pauseC);
    return urgent || mono - this.lastPollMono >= this.options.config.pollSeconds * 1000;
  }

  /** key reads the key file, and tells the tile when it is missing or refused. */
  private async key(): Promise<ImmichKey> {
    const key = await this.options.readKey();
    if (!key.ok) {
      this.immich = { state: key.code, message: key.message };
      this.fresh = false;
    }
    return key;
  }

  /** poll reads Immich's version (once per unlock) and its queues. */
  private async poll(key: string): Promise<void> {
    const { client, clock } = this.options;
    try {
      this.version ??= await client.version(key);
      this.queues = await client.queues(this.version.api, key);
      this.fresh = true;
      this.checkedAt = clock.wall();
      this.immich = { state: 'ok', message: '' };
    } catch (error) {
      if (!(error instanceof ImmichCallError)) throw error;
      this.fresh = false;
      this.immich = { state: error.code, message: error.message };
    }
  }

  /**
   * settle drops from the record the queues that run again after an unlock: Immich keeps a pause
   * across restarts (in its Redis), but one that was lost is nothing to resume, nor a person's
   * override.
   */
  private settle(wall: number): void {
    this.settleAfterUnlock = false;
    const running = this.guard.record.paused.filter(
      (name) => this.queues.find((q) => q.name === name)?.paused !== true,
    );
    if (running.length > 0) this.guard.done({ kind: 'resume', queues: running }, true, wall);
  }

  /** forgetImmich: the drive is locked or going, Immich stops; its version may change by then. */
  private forgetImmich(): void {
    this.immich = { state: 'locked', message: LOCKED_WORDS };
    this.version = null;
    this.fresh = false;
    this.queues = [];
  }

  private async setPaused(name: string, paused: boolean, key: string): Promise<void> {
    const api = this.version?.api;
    if (!api) throw new Error('no Immich version');
    await this.options.client.setPaused(api, name, paused, key);
    // Until the next read, the tile and the guard see what was just done.
    const queue = this.queues.find((q) => q.name === name);
    if (queue) queue.paused = paused;
  }

  /** carryOut does one step of the guard and tells it how it went. */
  private async carryOut(step: GuardStep, wall: number): Promise<void> {
    const { audit, log } = this.options;
    const hot = celsiusWords(this.sample.temperatureC);
    if (step.kind === 'pause' || step.kind === 'resume') {
      const paused = step.kind === 'pause';
      const key = await this.key();
      const done: string[] = [];
      const failed: string[] = [];
      for (const name of step.queues) {
        if (!key.ok) failed.push(name);
        else
          await this.setPaused(name, paused, key.key).then(
            () => done.push(name),
            () => failed.push(name),
          );
      }
      if (done.length > 0) this.guard.done({ kind: step.kind, queues: done }, true, wall);
      if (failed.length > 0) this.guard.done({ kind: step.kind, queues: failed }, false, wall);
      this.lastError =
        failed.length > 0
          ? `Could not ${step.kind} ${labels(failed)}: ${this.immich.message || 'Immich did not answer'}`
          : null;
      if (this.lastError) log.error(`thermal guard: ${this.lastError}`);
      if (done.length > 0) {
        await audit.record(
          paused ? 'immich-jobs-paused' : 'immich-jobs-resumed',
          paused
            ? `The thermal guard paused Immich’s ${labels(done)}${hot}.`
            : `The thermal guard resumed Immich’s ${labels(done)}: the Pi has cooled down${hot}.`,
        );
      }
      return;
    }
    const cap = step.kind === 'cap';
    const percent = cap ? this.options.config.guard.capPercent : null;
    let refusal: string | null = null;
    for (const unit of this.options.config.guard.capUnits) {
      const answer = await setCpuQuota(this.options.callHelper, unit, percent);
      if (!answer.ok) refusal ??= `${unit}: ${answer.message}`;
    }
    this.guard.done(step, refusal === null, wall);
    if (cap) this.capFailed = refusal !== null;
    this.lastError =
      refusal === null ? null : `Could not ${cap ? 'cap' : 'lift the cap on'} ${refusal}`;
    if (this.lastError) log.error(`thermal guard: ${this.lastError}`);
    else {
      await audit.record(
        cap ? 'immich-jobs-paused' : 'immich-jobs-resumed',
        cap
          ? `The thermal guard capped Immich’s CPU at ${percent} %${hot}.`
          : 'The thermal guard lifted its cap on Immich’s CPU.',
      );
    }
  }

  private async persist(): Promise<void> {
    const record = this.guard.record;
    if (sameRecord(record, this.options.state.value.record)) return;
    await this.options.state
      .update((file) => ({ ...file, record: { ...record, paused: [...record.paused] } }))
      .catch((error: unknown) => this.options.log.error('cannot write guard.json', error));
  }

  /** alert raises immich-jobs-paused while the guard holds, guard-cannot-act while it cannot. */
  private alert(): void {
    const { alerts } = this.options;
    const record = this.guard.record;
    const value = this.sample.temperatureC ?? undefined;
    const holds = record.paused.length > 0 || record.capped;
    alerts.condition(
      'immich-jobs-paused',
      holds,
      { value, detail: record.paused.length > 0 ? undefined : 'cpu' },
      { alreadyNotified: this.restored },
    );
    this.restored = false;
    alerts.condition('guard-cannot-act', this.guard.hot && this.capFailed && !holds, {
      value,
      detail: this.lastError ?? undefined,
    });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work, work);
    this.chain = run.catch(() => undefined);
    return run;
  }
}

function sameRecord(a: GuardRecord, b: GuardRecord): boolean {
  return (
    a.capped === b.capped &&
    a.since === b.since &&
    a.reason === b.reason &&
    a.overridden === b.overridden &&
    a.paused.length === b.paused.length &&
    a.paused.every((name, i) => b.paused[i] === name)
  );
}

/** labels names queues as people do: "thumbnails, video and smart search". */
function labels(names: readonly string[]): string {
  const words = names.map((name) => queueLabel(name).toLowerCase());
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

const celsiusWords = (c: number | null) => (c === null ? '' : ` (${c} °C)`);

function settingsWords(s: GuardSettings): string {
  if (!s.enabled) return 'off';
  return `on: pause at ${s.pauseC} °C held ${s.pauseHoldSeconds} s, resume below ${s.resumeC} °C held ${s.resumeHoldSeconds} s`;
}
