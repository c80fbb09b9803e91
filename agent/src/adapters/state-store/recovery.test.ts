// Opening corrupt, truncated or half-written state: fall back, quarantine, report, never throw.
import { link, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStateFile, type RecoveryReport } from './index.ts';

const Counter = v.strictObject({ count: v.number() });
const WALL_MS = 1_700_000_000_000;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'state-store-recovery-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const envelope = (count: number) => `${JSON.stringify({ version: 1, data: { count } })}\n`;
const put = (name: string, text: string) => writeFile(join(dir, name), text, { mode: 0o600 });
const read = (name: string) => readFile(join(dir, name), 'utf8');
const listing = async () => (await readdir(dir)).sort();

async function openCounter() {
  const reports: RecoveryReport[] = [];
  const file = await openStateFile({
    dir,
    name: 'counter.json',
    schema: Counter,
    initial: () => ({ count: 0 }),
    onRecovered: (report) => reports.push(report),
    now: () => WALL_MS,
  });
  return { file, reports };
}

describe('openStateFile on damaged state', () => {
  const corruptions: [string, string][] = [
    ['not JSON', 'garbage{'],
    ['truncated', envelope(2).slice(0, 20)],
    ['empty', ''],
    ['a wrong envelope', JSON.stringify({ version: 2, data: { count: 2 } })],
    ['bare data without envelope', JSON.stringify({ count: 2 })],
    ['data failing the schema', JSON.stringify({ version: 1, data: { count: 'two' } })],
  ];

  it.each(corruptions)('falls back to the previous copy when current is %s', async (_, bad) => {
    await put('counter.json', bad);
    await put('counter.json.prev', envelope(1));
    const { file, reports } = await openCounter();

    expect(file.value).toEqual({ count: 1 });
    const quarantined = join(dir, `counter.json.corrupt-${WALL_MS}`);
    expect(reports).toEqual([
      {
        file: join(dir, 'counter.json'),
        outcome: 'recovered-from-previous',
        quarantined: [quarantined],
        reason: expect.stringMatching(/^counter\.json: .+; counter\.json\.prev: valid$/),
      },
    ]);
    expect(await readFile(quarantined, 'utf8')).toBe(bad);
    expect(await read('counter.json')).toBe(envelope(1));
    expect(await listing()).toEqual([
      'counter.json',
      `counter.json.corrupt-${WALL_MS}`,
      'counter.json.prev',
    ]);
  });

  it('resets to initial() and quarantines both when the previous copy is bad too', async () => {
    await put('counter.json', 'garbage{');
    await put('counter.json.prev', envelope(1).slice(0, 10));
    const { file, reports } = await openCounter();

    expect(file.value).toEqual({ count: 0 });
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({
      outcome: 'reset-to-initial',
      quarantined: [
        join(dir, `counter.json.prev.corrupt-${WALL_MS}`),
        join(dir, `counter.json.corrupt-${WALL_MS}`),
      ],
    });
    expect(reports[0]?.reason).toMatch(/counter\.json: not JSON .*; counter\.json\.prev: not JSON/);
    expect(await listing()).toEqual([
      `counter.json.corrupt-${WALL_MS}`,
      `counter.json.prev.corrupt-${WALL_MS}`,
    ]);
    // The reset state is usable and the next start is clean.
    await file.update(() => ({ count: 9 }));
    const again = await openCounter();
    expect(again.file.value).toEqual({ count: 9 });
    expect(again.reports).toEqual([]);
  });

  it('resets with a report when current is corrupt and there is no previous copy', async () => {
    await put('counter.json', '{"version":1,"data":');
    const { file, reports } = await openCounter();
    expect(file.value).toEqual({ count: 0 });
    expect(reports[0]).toMatchObject({
      outcome: 'reset-to-initial',
      quarantined: [join(dir, `counter.json.corrupt-${WALL_MS}`)],
      reason: expect.stringContaining('counter.json.prev: missing'),
    });
  });

  it('recovers from the previous copy when current is missing', async () => {
    await put('counter.json.prev', envelope(4));
    const { file, reports } = await openCounter();
    expect(file.value).toEqual({ count: 4 });
    expect(reports[0]).toMatchObject({ outcome: 'recovered-from-previous', quarantined: [] });
    expect(await read('counter.json')).toBe(envelope(4));
  });

  it('ignores and removes a leftover tmp file from an unacknowledged write', async () => {
    await put('counter.json', envelope(1));
    await put('counter.json.tmp', envelope(2));
    await put('counter.json.prev.tmp', envelope(0));
    const { file, reports } = await openCounter();
    expect(file.value).toEqual({ count: 1 });
    expect(reports).toEqual([]);
    expect(await listing()).toEqual(['counter.json']);
  });

  it('does not report a valid current file whose previous copy is corrupt', async () => {
    await put('counter.json', envelope(2));
    await put('counter.json.prev', 'garbage{');
    const { file, reports } = await openCounter();
    expect(file.value).toEqual({ count: 2 });
    expect(reports).toEqual([]);
  });

  it('never overwrites an earlier quarantined file when the wall clock repeats', async () => {
    for (const bad of ['first bad', 'second bad']) {
      await put('counter.json', bad);
      await put('counter.json.prev', envelope(1));
      await openCounter();
    }
    expect(await read(`counter.json.corrupt-${WALL_MS}`)).toBe('first bad');
    expect(await read(`counter.json.corrupt-${WALL_MS}-1`)).toBe('second bad');
  });

  it('separates a previous copy left as the same inode as current by a crash', async () => {
    await put('counter.json', envelope(3));
    await link(join(dir, 'counter.json'), join(dir, 'counter.json.prev'));
    const { file, reports } = await openCounter();

    expect(file.value).toEqual({ count: 3 });
    expect(reports).toEqual([]);
    const [current, previous] = await Promise.all([
      stat(join(dir, 'counter.json')),
      stat(join(dir, 'counter.json.prev')),
    ]);
    expect(current.ino).not.toBe(previous.ino);
    // Damage in place to current no longer reaches the previous copy.
    await writeFile(join(dir, 'counter.json'), 'garbage{');
    expect((await openCounter()).file.value).toEqual({ count: 3 });
  });
});
