// Writing state files: durability steps, previous copy, modes, serialised writes, I/O errors.
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStateFile, StateStoreError } from './index.ts';

const Counter = v.strictObject({ count: v.number(), note: v.optional(v.string()) });
type Counter = v.InferOutput<typeof Counter>;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'state-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const openCounter = (at = dir) =>
  openStateFile({ dir: at, name: 'counter.json', schema: Counter, initial: () => ({ count: 0 }) });

const readJson = async (name: string) => JSON.parse(await readFile(join(dir, name), 'utf8'));

describe('openStateFile', () => {
  it('starts from initial() when nothing is stored, without writing anything', async () => {
    const reports: unknown[] = [];
    const file = await openStateFile({
      dir,
      name: 'counter.json',
      schema: Counter,
      initial: () => ({ count: 7 }),
      onRecovered: (report) => reports.push(report),
    });
    expect(file.value).toEqual({ count: 7 });
    expect(reports).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('round-trips a written value through a versioned envelope', async () => {
    const file = await openCounter();
    await file.update(() => ({ count: 3, note: 'three' }));
    expect(await readJson('counter.json')).toEqual({
      version: 1,
      data: { count: 3, note: 'three' },
    });
    expect((await openCounter()).value).toEqual({ count: 3, note: 'three' });
  });

  it('keeps the previous content as counter.json.prev', async () => {
    const file = await openCounter();
    await file.update(() => ({ count: 1 }));
    await file.update(() => ({ count: 2 }));
    await file.update(() => ({ count: 3 }));
    expect((await readJson('counter.json')).data).toEqual({ count: 3 });
    expect((await readJson('counter.json.prev')).data).toEqual({ count: 2 });
    expect((await readdir(dir)).sort()).toEqual(['counter.json', 'counter.json.prev']);
  });

  it('makes the dir 0700 and every state file 0600', async () => {
    const stateDir = join(dir, 'nested', 'state');
    const file = await openCounter(stateDir);
    await file.update(() => ({ count: 1 }));
    await file.update(() => ({ count: 2 }));
    expect((await stat(stateDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(stateDir, 'counter.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(stateDir, 'counter.json.prev'))).mode & 0o777).toBe(0o600);
  });

  it('updates value at once and durably later', async () => {
    const file = await openCounter();
    const written = file.update(() => ({ count: 5 }));
    expect(file.value).toEqual({ count: 5 });
    await written;
    expect((await readJson('counter.json')).data).toEqual({ count: 5 });
  });

  it('serialises concurrent writes: all resolve and the last one wins', async () => {
    const file = await openCounter();
    const writers = Array.from({ length: 8 }, async (_, writer) => {
      for (let step = 0; step < 10; step++) {
        await new Promise((resolve) => setImmediate(resolve));
        await file.update(() => ({ count: writer * 100 + step }));
      }
    });
    await Promise.all(writers);
    const last = file.value;
    await Promise.all([
      file.update(() => ({ count: 1 })),
      file.update(() => ({ count: 2 })),
      file.update(() => last),
    ]);
    expect((await readJson('counter.json')).data).toEqual(last);
    expect((await readdir(dir)).sort()).toEqual(['counter.json', 'counter.json.prev']);
  });

  it('resolves a write only once content at least that new is on disk', async () => {
    const file = await openCounter();
    const first = file.update(() => ({ count: 1 }));
    const second = file.update(() => ({ count: 2 }));
    await first;
    const onDiskAfterFirst = (await readJson('counter.json')).data.count;
    expect(onDiskAfterFirst).toBeGreaterThanOrEqual(1);
    await second;
    expect((await readJson('counter.json')).data).toEqual({ count: 2 });
  });

  it('applies each update to the newest value, even before the one before it is on disk', async () => {
    const file = await openCounter();
    const first = file.update((latest) => ({ count: latest.count + 1 }));
    const second = file.update((latest) => ({ count: latest.count + 1 }));
    expect(file.value).toEqual({ count: 2 });
    await Promise.all([first, second]);
    expect((await readJson('counter.json')).data).toEqual({ count: 2 });
  });

  it('keeps the old value when a change throws', async () => {
    const file = await openCounter();
    await file.update(() => ({ count: 1 }));
    const failing = file.update(() => {
      throw new RangeError('no');
    });
    await expect(failing).rejects.toThrow(RangeError);
    expect(file.value).toEqual({ count: 1 });
  });

  it('refuses data that would not load again and keeps the old value', async () => {
    const file = await openCounter();
    await file.update(() => ({ count: 1 }));
    const bad = { count: 'two' } as unknown as Counter;
    await expect(file.update(() => bad)).rejects.toThrow(TypeError);
    expect(file.value).toEqual({ count: 1 });
    expect((await readJson('counter.json')).data).toEqual({ count: 1 });
  });

  it('rejects names that are not plain file names', async () => {
    await expect(
      openStateFile({ dir, name: '../x.json', schema: Counter, initial: () => ({ count: 0 }) }),
    ).rejects.toThrow(TypeError);
  });

  it('throws StateStoreError when the state dir cannot be made', async () => {
    await writeFile(join(dir, 'blocker'), 'a file, not a dir');
    const error = await openCounter(join(dir, 'blocker', 'state')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateStoreError);
    expect(error).toMatchObject({ operation: 'create', code: 'ENOTDIR' });
  });

  it('rejects a write with StateStoreError on I/O failure; later writes still run', async () => {
    const stateDir = join(dir, 'state');
    const file = await openCounter(stateDir);
    await rm(stateDir, { recursive: true });
    const failed = await file.update(() => ({ count: 1 })).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(StateStoreError);
    expect(failed).toMatchObject({ code: 'ENOENT' });
    await openCounter(stateDir); // puts the dir back
    await file.update(() => ({ count: 2 }));
    expect((await openCounter(stateDir)).value).toEqual({ count: 2 });
  });
});
