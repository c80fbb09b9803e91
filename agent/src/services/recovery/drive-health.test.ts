// The drive health watch on a pinned clock with a fake helper answering our smartctl fixtures:
// when SMART is read, the failing and growing alerts, and what survives a restart.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HelperAnswer } from '../../helper/answers.ts';
import { type DriveHealthFile, DriveHealthWatch, emptyDriveHealthFile } from './drive-health.ts';

const FIXTURES = join(import.meta.dirname, '../../domain/recovery/smart-fixtures');
const EXIT: Record<string, number> = JSON.parse(
  readFileSync(join(FIXTURES, 'exit-status.json'), 'utf8'),
);
const HOUR = 3_600_000;

function harness(file: { value: DriveHealthFile } = { value: emptyDriveHealthFile() }) {
  const clock = { wallMs: 1_764_000_000_000, monoMs: 1_000_000, synced: true };
  const answers: string[] = [];
  let next: HelperAnswer | string = 'healthy-ata.json';
  const conditions: { kind: string; active: boolean; detail?: string; quiet: boolean }[] = [];
  const state = {
    get value() {
      return file.value;
    },
    async update(change: (latest: DriveHealthFile) => DriveHealthFile) {
      file.value = change(file.value);
    },
  };
  const watch = new DriveHealthWatch({
    config: { healthEveryHours: 24 },
    state,
    clock: { wall: () => clock.wallMs, monotonic: () => clock.monoMs, synced: () => clock.synced },
    callHelper: async (request) => {
      answers.push(request.verb);
      if (typeof next !== 'string') return next;
      const output = readFileSync(join(FIXTURES, next), 'utf8');
      return { ok: true, smart: { exitStatus: EXIT[next] ?? 0, output, deviceType: 'auto' } };
    },
    alerts: {
      condition: (kind, active, subject, options) =>
        conditions.push({ kind, active, ...subject, quiet: options?.alreadyNotified === true }),
    },
    log: { info: () => {}, error: () => {} },
  });
  return {
    clock,
    answers,
    conditions,
    file,
    watch,
    answer: (a: HelperAnswer | string) => {
      next = a;
    },
  };
}

describe('the drive health watch', () => {
  it('reads after an unlock and then daily, never while locked', async () => {
    const h = harness();
    await h.watch.tick('locked');
    expect(h.answers).toEqual([]);
    expect(h.watch.current()).toBeNull();
    await h.watch.tick('running');
    await h.watch.tick('running');
    expect(h.answers).toEqual(['drive-health']);
    expect(h.watch.current()).toMatchObject({ state: 'ok', passed: true });
    h.clock.monoMs += 25 * HOUR;
    await h.watch.tick('running');
    expect(h.answers).toHaveLength(2);
    await h.watch.tick('locked');
    await h.watch.tick('running');
    expect(h.answers).toHaveLength(3);
  });

  it('reads after an unlock no sample saw locked (a lock and unlock between two samples)', async () => {
    const h = harness();
    await h.watch.tick('running');
    expect(h.answers).toHaveLength(1);
    h.answer('failing-ata.json');
    h.watch.afterUnlock();
    await h.watch.tick('running');
    await h.watch.tick('running');
    expect(h.answers).toHaveLength(2);
    expect(h.watch.current()?.state).toBe('failing');
  });

  it('raises drive-health-failing on a failed verdict and clears it on a pass', async () => {
    const h = harness();
    h.answer('failing-ata.json');
    await h.watch.tick('running');
    expect(h.watch.current()?.state).toBe('failing');
    expect(h.conditions.find((c) => c.kind === 'drive-health-failing')).toMatchObject({
      active: true,
    });
    h.answer('healthy-ata.json');
    h.clock.monoMs += 25 * HOUR;
    await h.watch.tick('running');
    expect(h.conditions.filter((c) => c.kind === 'drive-health-failing').at(-1)).toMatchObject({
      active: false,
    });
  });

  it('names the counts that grew, keeps the baseline over a restart, and clears after a week', async () => {
    const file = { value: emptyDriveHealthFile() };
    const first = harness(file);
    first.answer('growing-1.json');
    await first.watch.tick('running');
    expect(first.conditions.filter((c) => c.kind === 'drive-sectors-growing')).toEqual([
      { kind: 'drive-sectors-growing', active: false, quiet: false },
    ]);
    const second = harness(file);
    second.answer('growing-2.json');
    await second.watch.tick('running');
    const raised = second.conditions.find((c) => c.kind === 'drive-sectors-growing');
    expect(raised).toMatchObject({ active: true, detail: expect.stringMatching(/→/) });
    const third = harness(file);
    await third.watch.tick('locked');
    expect(third.conditions.find((c) => c.kind === 'drive-sectors-growing')).toMatchObject({
      active: true,
      quiet: true,
    });
    third.clock.wallMs += 8 * 24 * HOUR;
    await third.watch.tick('locked');
    expect(third.conditions.at(-1)).toMatchObject({ kind: 'drive-sectors-growing', active: false });
  });

  it('says a USB adapter without SMART plainly, and never alerts on it', async () => {
    const h = harness();
    h.answer('no-smart-usb.json');
    await h.watch.tick('running');
    expect(h.watch.current()).toMatchObject({ state: 'unsupported', problem: expect.any(String) });
    expect(h.conditions.filter((c) => c.active)).toEqual([]);
  });

  it('keeps the standing verdict when smartctl cannot run, and says why', async () => {
    const h = harness();
    h.answer('failing-ata.json');
    await h.watch.tick('running');
    h.answer({ ok: false, code: 'smartctl-missing', message: 'x' } as HelperAnswer);
    h.clock.monoMs += 25 * HOUR;
    await h.watch.tick('running');
    expect(h.watch.current()).toMatchObject({
      state: 'unknown',
      problem: expect.stringContaining('smartmontools'),
    });
    expect(h.conditions.filter((c) => c.kind === 'drive-health-failing')).toHaveLength(1);
  });
});
