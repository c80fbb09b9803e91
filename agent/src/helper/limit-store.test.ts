import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLimitStore } from './limit-store.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
async function stateDir() {
  const dir = await mkdtemp(join(tmpdir(), 'ipi-limit-'));
  dirs.push(dir);
  return join(dir, 'helper-state');
}

describe('createLimitStore', () => {
  it('keeps the record across processes (a new store reads what the last one saved)', async () => {
    const dir = await stateDir();
    const first = createLimitStore(dir);
    expect(await first.peek()).toBeNull();
    expect(await first.load()).toEqual({ bootId: '', failures: [] });
    await first.save({ bootId: 'boot-a', failures: [1000, 2000] });
    const next = createLimitStore(dir);
    expect(await next.peek()).toEqual({ bootId: 'boot-a', failures: [1000, 2000] });
    expect(await next.load()).toEqual({ bootId: 'boot-a', failures: [1000, 2000] });
    expect(await readdir(dir)).toContain('passphrase-limit.json');
  });

  it('peeks past a corrupt file and recovers it under the lock, reporting it', async () => {
    const dir = await stateDir();
    const store = createLimitStore(dir);
    await store.save({ bootId: 'boot-a', failures: [1] });
    await store.save({ bootId: 'boot-a', failures: [1, 2] });
    await writeFile(join(dir, 'passphrase-limit.json'), '{ not json');
    const reports: string[] = [];
    const next = createLimitStore(dir, (report) => reports.push(report.outcome));
    expect(await next.peek()).toBeNull();
    expect(await next.load()).toEqual({ bootId: 'boot-a', failures: [1] });
    expect(reports).toEqual(['recovered-from-previous']);
  });
});
