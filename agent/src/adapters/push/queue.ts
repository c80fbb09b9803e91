// The push send queue: alerts are enqueued without waiting, and each device's messages go out in
// order, one at a time, with backoff on retry, so a slow or dead push service delays only its own
// device and never a request path (ARCHITECTURE §10).
import type { PushTarget, SendOutcome } from './send.ts';

type Urgency = 'very-low' | 'low' | 'normal' | 'high';
/** What the queue passes through to the sender besides target and payload. */
export interface QueuedSendOptions {
  urgency: Urgency;
  topic?: string;
}

export interface PushQueueOptions {
  send: (target: PushTarget, payload: string, opts: QueuedSendOptions) => Promise<SendOutcome>;
  /** Gate: resolves when pushes may go (the wall clock is synced, or a bounded wait passed). */
  ready: () => Promise<void>;
  /** Called once per message with its final outcome: health, and drop the subscription on gone. */
  onOutcome: (deviceId: string, outcome: SendOutcome, wall: number) => void;
  wall: () => number;
  /** Waits before each retry; when they are used up the last retry outcome is reported. */
  backoffMs?: readonly number[];
  setTimer?: (fn: () => void, ms: number) => { cancel(): void };
  /** Beyond this many messages for one device the oldest waiting one is dropped. */
  maxQueuedPerDevice?: number;
}

interface QueuedPush {
  target: PushTarget;
  payload: string;
  opts: QueuedSendOptions;
  /** Retries done so far: indexes backoffMs. */
  retries: number;
}

interface DeviceLine {
  waiting: QueuedPush[];
  /** True while waiting[0] is being sent or waits for ready(): it can no longer be replaced. */
  sending: boolean;
  retryTimer: { cancel(): void } | null;
}

const DEFAULT_BACKOFF_MS = [2_000, 10_000, 60_000, 300_000] as const;
const DEFAULT_MAX_QUEUED = 20;

function unrefTimer(fn: () => void, ms: number) {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return { cancel: () => clearTimeout(timer) };
}

/** PushQueue sends each device's pushes in order, one in flight per device. */
export class PushQueue {
  private readonly lines = new Map<string, DeviceLine>();
  private idleWaiters: (() => void)[] = [];
  private readonly backoffMs: readonly number[];
  private readonly setTimer: NonNullable<PushQueueOptions['setTimer']>;
  private readonly maxQueued: number;

  constructor(private readonly options: PushQueueOptions) {
    this.backoffMs = options.backoffMs ?? DEFAULT_BACKOFF_MS;
    this.setTimer = options.setTimer ?? unrefTimer;
    this.maxQueued = Math.max(1, options.maxQueuedPerDevice ?? DEFAULT_MAX_QUEUED);
  }

  /**
   * enqueue never blocks and never throws: the message goes when its device's earlier ones are
   * done. A waiting message with the same topic is replaced in its place in line (RFC 8030 §5.4:
   * only the newest one matters), keeping its retry count so retries stay bounded.
   */
  enqueue(deviceId: string, target: PushTarget, payload: string, opts: QueuedSendOptions): void {
    let line = this.lines.get(deviceId);
    if (!line) {
      line = { waiting: [], sending: false, retryTimer: null };
      this.lines.set(deviceId, line);
    }
    const message = { target, payload, opts, retries: 0 };
    const firstReplaceable = line.sending ? 1 : 0;
    const sameTopic =
      opts.topic === undefined
        ? -1
        : line.waiting.findIndex((m, i) => i >= firstReplaceable && m.opts.topic === opts.topic);
    const older = line.waiting[sameTopic];
    if (older) {
      line.waiting[sameTopic] = { ...message, retries: older.retries };
    } else {
      line.waiting.push(message);
      if (line.waiting.length > this.maxQueued) line.waiting.splice(firstReplaceable, 1);
    }
    this.pump(deviceId, line);
  }

  /** forget drops a device's queue (its subscription was removed); a send in flight is ignored. */
  forget(deviceId: string): void {
    const line = this.lines.get(deviceId);
    if (!line) return;
    line.retryTimer?.cancel();
    this.lines.delete(deviceId);
    this.wakeIdleWaiters();
  }

  /** idle resolves when nothing is queued, in flight or waiting to retry (tests, shutdown). */
  idle(): Promise<void> {
    if (this.lines.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** pump starts the device's first message unless one is in flight or waiting to retry. */
  private pump(deviceId: string, line: DeviceLine): void {
    if (line.sending || line.retryTimer || this.lines.get(deviceId) !== line) return;
    const message = line.waiting[0];
    if (!message) {
      this.lines.delete(deviceId);
      this.wakeIdleWaiters();
      return;
    }
    line.sending = true;
    void this.sendFirst(deviceId, line, message);
  }

  private async sendFirst(deviceId: string, line: DeviceLine, message: QueuedPush): Promise<void> {
    const outcome = await this.attempt(message);
    line.sending = false;
    if (this.lines.get(deviceId) !== line) return; // forgotten meanwhile
    const delay = outcome.kind === 'retry' ? this.backoffMs[message.retries] : undefined;
    if (delay !== undefined) {
      message.retries += 1;
      line.retryTimer = this.setTimer(() => {
        line.retryTimer = null;
        this.pump(deviceId, line);
      }, delay);
      return;
    }
    line.waiting.shift();
    if (outcome.kind === 'gone') {
      // Everything else queued for that endpoint would be gone too.
      const endpoint = message.target.endpoint;
      line.waiting = line.waiting.filter((m) => m.target.endpoint !== endpoint);
    }
    this.report(deviceId, outcome);
    this.pump(deviceId, line);
  }

  /** attempt waits for the gate, then sends; a sender that throws counts as a retry. */
  private async attempt(message: QueuedPush): Promise<SendOutcome> {
    try {
      await this.options.ready();
      return await this.options.send(message.target, message.payload, message.opts);
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'the sender failed';
      return { kind: 'retry', status: null, reason };
    }
  }

  private report(deviceId: string, outcome: SendOutcome): void {
    try {
      this.options.onOutcome(deviceId, outcome, this.options.wall());
    } catch {
      // The listener's failure must not stop this device's line.
    }
  }

  private wakeIdleWaiters(): void {
    if (this.lines.size !== 0) return;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }
}
