// The push queue with a fake sender and hand-driven timers: order per device, one in flight,
// backoff then give up, topic replacement, caps, forget, and devices not waiting on each other.
import { describe, expect, it } from 'vitest';
import { PushQueue, type PushQueueOptions, type QueuedSendOptions } from './queue.ts';
import type { PushTarget, SendOutcome } from './send.ts';

const delivered: SendOutcome = { kind: 'delivered', status: 201 };
const busy: SendOutcome = { kind: 'retry', status: 503, reason: 'the push service answered 503' };

interface PendingSend {
  endpoint: string;
  payload: string;
  opts: QueuedSendOptions;
  answer(outcome: SendOutcome): void;
}

/** harness wires a queue to a sender the test answers by hand and timers it fires by hand. */
function harness(options: Partial<PushQueueOptions> = {}) {
  const sends: PendingSend[] = [];
  const outcomes: { deviceId: string; outcome: SendOutcome; wall: number }[] = [];
  const timers: { ms: number; fn: () => void; cancelled: boolean }[] = [];
  const queue = new PushQueue({
    send: (target, payload, opts) =>
      new Promise((resolve) =>
        sends.push({ endpoint: target.endpoint, payload, opts, answer: resolve }),
      ),
    wall: () => 1_700_000_000_000,
    ready: async () => {},
    onOutcome: (deviceId, outcome, wall) => outcomes.push({ deviceId, outcome, wall }),
    setTimer: (fn, ms) => {
      const timer = { ms, fn, cancelled: false };
      timers.push(timer);
      return { cancel: () => (timer.cancelled = true) };
    },
    ...options,
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  /** answer answers the oldest unanswered send, then lets the queue move on. */
  const answer = async (outcome: SendOutcome) => {
    const send = sends.shift();
    if (!send) throw new Error('nothing is being sent');
    send.answer(outcome);
    await settle();
    return send;
  };
  const fireTimers = async () => {
    for (const timer of timers.splice(0)) if (!timer.cancelled) timer.fn();
    await settle();
  };
  return { queue, sends, outcomes, timers, answer, fireTimers, settle };
}

const target = (name: string): PushTarget => ({
  endpoint: `https://fcm.googleapis.com/fcm/send/${name}`,
  keys: { p256dh: 'p', auth: 'a' },
});
const normal = { urgency: 'normal' } as const;

describe('PushQueue', () => {
  it('sends one message per device at a time, in the order they came', async () => {
    const h = harness();
    h.queue.enqueue('phone', target('phone'), 'first', normal);
    h.queue.enqueue('phone', target('phone'), 'second', normal);
    await h.settle();
    expect(h.sends.map((s) => s.payload)).toEqual(['first']);
    expect((await h.answer(delivered)).payload).toBe('first');
    expect(h.sends.map((s) => s.payload)).toEqual(['second']);
    await h.answer(delivered);
    await h.queue.idle();
    expect(h.outcomes).toEqual([
      { deviceId: 'phone', outcome: delivered, wall: 1_700_000_000_000 },
      { deviceId: 'phone', outcome: delivered, wall: 1_700_000_000_000 },
    ]);
  });

  it('does not make one device wait for another', async () => {
    const h = harness();
    h.queue.enqueue('phone', target('phone'), 'to phone', normal);
    h.queue.enqueue('tablet', target('tablet'), 'to tablet', normal);
    await h.settle();
    expect(h.sends.map((s) => s.payload)).toEqual(['to phone', 'to tablet']);
  });

  it('retries after each backoff, then gives up and reports the last retry outcome', async () => {
    const h = harness({ backoffMs: [10, 20] });
    h.queue.enqueue('phone', target('phone'), 'hello', normal);
    h.queue.enqueue('phone', target('phone'), 'after', normal);
    await h.settle();
    await h.answer(busy);
    expect(h.timers.map((t) => t.ms)).toEqual([10]);
    expect(h.sends).toHaveLength(0);
    await h.fireTimers();
    expect(h.sends.map((s) => s.payload)).toEqual(['hello']);
    await h.answer(busy);
    expect(h.timers.map((t) => t.ms)).toEqual([20]);
    await h.fireTimers();
    await h.answer(busy);
    expect(h.timers).toHaveLength(0);
    expect(h.outcomes.map((o) => o.outcome)).toEqual([busy]);
    expect(h.sends.map((s) => s.payload)).toEqual(['after']);
  });

  it('reports a delivery after a retry once, as delivered', async () => {
    const h = harness({ backoffMs: [10] });
    h.queue.enqueue('phone', target('phone'), 'hello', normal);
    await h.settle();
    await h.answer(busy);
    await h.fireTimers();
    await h.answer(delivered);
    await h.queue.idle();
    expect(h.outcomes.map((o) => o.outcome)).toEqual([delivered]);
  });

  it('never retries a rejected message and drops what was queued for a gone endpoint', async () => {
    const h = harness();
    h.queue.enqueue('phone', target('old'), 'a', normal);
    h.queue.enqueue('phone', target('old'), 'b', normal);
    h.queue.enqueue('phone', target('new'), 'c', normal);
    await h.settle();
    await h.answer({ kind: 'gone', status: 410 });
    expect(h.sends.map((s) => s.payload)).toEqual(['c']);
    await h.answer({ kind: 'rejected', status: 403, reason: 'the push service answered 403' });
    await h.queue.idle();
    expect(h.timers).toHaveLength(0);
    expect(h.outcomes.map((o) => o.outcome.kind)).toEqual(['gone', 'rejected']);
  });

  it('replaces a waiting message with a newer one of the same topic, not the one in flight', async () => {
    const h = harness();
    h.queue.enqueue('phone', target('phone'), 'temp 81', { urgency: 'high', topic: 'temp' });
    h.queue.enqueue('phone', target('phone'), 'temp 82', { urgency: 'high', topic: 'temp' });
    h.queue.enqueue('phone', target('phone'), 'disk', { urgency: 'low', topic: 'disk' });
    h.queue.enqueue('phone', target('phone'), 'temp ok', { urgency: 'low', topic: 'temp' });
    await h.settle();
    await h.answer(delivered);
    await h.answer(delivered);
    const last = await h.answer(delivered);
    expect(h.sends).toHaveLength(0);
    expect(last.payload).toBe('disk');
    expect(h.outcomes).toHaveLength(3);
  });

  it('sends the newest message of a topic when it came in during a backoff', async () => {
    const h = harness({ backoffMs: [10] });
    h.queue.enqueue('phone', target('phone'), 'hot', { urgency: 'high', topic: 'temp' });
    await h.settle();
    await h.answer(busy);
    h.queue.enqueue('phone', target('phone'), 'cool', { urgency: 'low', topic: 'temp' });
    await h.fireTimers();
    expect(h.sends.map((s) => [s.payload, s.opts])).toEqual([
      ['cool', { urgency: 'low', topic: 'temp' }],
    ]);
  });

  it('keeps at most maxQueuedPerDevice messages, dropping the oldest waiting ones', async () => {
    const h = harness({ maxQueuedPerDevice: 3 });
    for (let i = 1; i <= 6; i++) h.queue.enqueue('phone', target('phone'), `m${i}`, normal);
    await h.settle();
    const sent: string[] = [];
    while (h.sends.length > 0) sent.push((await h.answer(delivered)).payload);
    expect(sent).toEqual(['m1', 'm5', 'm6']);
  });

  it('forgets a device: its queue, its retry and the outcome of its send in flight', async () => {
    const h = harness({ backoffMs: [10] });
    h.queue.enqueue('phone', target('phone'), 'a', normal);
    h.queue.enqueue('tablet', target('tablet'), 'b', normal);
    h.queue.enqueue('tablet', target('tablet'), 'c', normal);
    await h.settle();
    await h.answer(busy); // phone's message waits for a retry
    h.queue.forget('phone');
    h.queue.forget('tablet'); // tablet's "b" is in flight
    expect(h.timers.every((t) => t.cancelled)).toBe(true);
    await h.answer(delivered);
    await h.fireTimers();
    await h.queue.idle();
    expect(h.sends).toHaveLength(0);
    expect(h.outcomes).toEqual([]);
  });

  it('waits for the ready gate before sending', async () => {
    let open = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    const h = harness({ ready: () => gate });
    h.queue.enqueue('phone', target('phone'), 'a', normal);
    await h.settle();
    expect(h.sends).toHaveLength(0);
    open();
    await h.settle();
    expect(h.sends.map((s) => s.payload)).toEqual(['a']);
  });

  it('counts a sender that throws as a retry and keeps going when onOutcome throws', async () => {
    const seen: SendOutcome[] = [];
    const h = harness({
      backoffMs: [],
      send: async () => {
        throw new Error('boom');
      },
      onOutcome: (_deviceId, outcome) => {
        seen.push(outcome);
        throw new Error('listener broke');
      },
    });
    h.queue.enqueue('phone', target('phone'), 'a', normal);
    h.queue.enqueue('phone', target('phone'), 'b', normal);
    await h.queue.idle();
    expect(seen).toEqual([
      { kind: 'retry', status: null, reason: 'boom' },
      { kind: 'retry', status: null, reason: 'boom' },
    ]);
  });

  it('is idle at once when empty, and again after work is done', async () => {
    const h = harness();
    await h.queue.idle();
    h.queue.enqueue('phone', target('phone'), 'a', normal);
    let idle = false;
    void h.queue.idle().then(() => (idle = true));
    await h.settle();
    expect(idle).toBe(false);
    await h.answer(delivered);
    expect(idle).toBe(true);
  });

  it('uses the default backoffs 2 s, 10 s, 60 s, 300 s', async () => {
    const h = harness({ backoffMs: undefined });
    h.queue.enqueue('phone', target('phone'), 'a', normal);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      await h.settle();
      await h.answer(busy);
      waits.push(...h.timers.map((t) => t.ms));
      await h.fireTimers();
    }
    expect(waits).toEqual([2_000, 10_000, 60_000, 300_000]);
    expect(h.outcomes.map((o) => o.outcome)).toEqual([busy]);
  });
});
