// DumpWatch with fake ports on a pinned clock: stale and missing dumps, backups leaving them out.
import { describe, expect, it } from 'vitest';
import type { DumpListing } from '../../adapters/dump-dir.ts';
import type { HelperAnswer } from '../../adapters/helper-client.ts';
import type { StateFile } from '../../adapters/state-store/index.ts';
import { memoryFile } from '../../adapters/state-store/memory.fixtures.ts';
import { DUMP_LOOK_EVERY_MS, DumpWatch, type DumpWatchFile } from './dump-watch.ts';

const NOW = Date.UTC(2026, 11, 4, 12);
const HOUR = 3600_000;
const dump = (hoursOld: number) => ({
  name: 'immich-db-backup-1.sql.gz',
  bytes: 9,
  mtimeMs: NOW - hoursOld * HOUR,
});

function setup(
  listing: DumpListing,
  paths: string[] | null = ['/mnt/immich_drive/immich_data'],
  state: StateFile<DumpWatchFile> = memoryFile({ alerted: false }),
) {
  const clock = { mono: 0, wall: NOW };
  const raised: [string, boolean, string | undefined][] = [];
  const quiet: boolean[] = [];
  const helperCalls: string[] = [];
  const fake = { listing, helper: { ok: true, dumps: [] } as HelperAnswer, paths };
  const watch = new DumpWatch({
    config: { dumpsDir: '/mnt/immich_drive/immich_data/backups', dumpMaxAgeHours: 48 },
    root: '/sandbox/root',
    readDumpDir: async () => fake.listing,
    callHelper: Object.assign(async (request: { verb: string }) => {
      helperCalls.push(request.verb);
      return fake.helper;
    }),
    clock: { wall: () => clock.wall, monotonic: () => clock.mono, synced: () => true },
    newestSnapshotPaths: () => fake.paths,
    alerts: {
      condition: (kind, active, subject, options) => {
        raised.push([kind, active, subject.detail]);
        quiet.push(options?.alreadyNotified === true);
      },
    },
    state,
    log: { info: () => {}, error: () => {} },
  });
  return { watch, clock, raised, quiet, fake, helperCalls, state };
}

describe('DumpWatch', () => {
  it('raises db-dump-stale for a dump 5 days old, and clears when a fresh one comes', async () => {
    const t = setup({ kind: 'ok', dumps: [dump(120)] });
    await t.watch.tick('locked');
    expect(t.raised).toEqual([]); // never looks while locked
    await t.watch.tick('running');
    expect(t.raised).toEqual([['db-dump-stale', true, 'The newest dump is 5 days old.']]);
    expect(t.watch.current()).toMatchObject({ stale: true, inSnapshot: true, checkedAt: NOW });
    t.fake.listing = { kind: 'ok', dumps: [dump(2)] };
    await t.watch.tick('running');
    expect(t.raised).toHaveLength(1); // not due yet: every 10 minutes
    t.clock.mono += DUMP_LOOK_EVERY_MS;
    await t.watch.tick('running');
    expect(t.raised.at(-1)).toEqual(['db-dump-stale', false, undefined]);
  });

  it('does not push a stale dump again after a restart, and its clear still notifies', async () => {
    const first = setup({ kind: 'ok', dumps: [dump(120)] });
    await first.watch.tick('running');
    expect(first.quiet).toEqual([false]);
    expect(first.state.value).toEqual({ alerted: true });
    const restarted = setup({ kind: 'ok', dumps: [dump(120)] }, undefined, first.state);
    await restarted.watch.tick('running');
    expect(restarted.raised).toEqual([['db-dump-stale', true, 'The newest dump is 5 days old.']]);
    expect(restarted.quiet).toEqual([true]);
    restarted.fake.listing = { kind: 'ok', dumps: [dump(1)] };
    restarted.watch.afterUnlock();
    await restarted.watch.tick('running');
    expect(restarted.raised.at(-1)).toEqual(['db-dump-stale', false, undefined]);
    expect(restarted.quiet.at(-1)).toBe(false);
    expect(restarted.state.value).toEqual({ alerted: false });
  });

  it('looks again after an unlock, even one no sample saw locked', async () => {
    const t = setup({ kind: 'ok', dumps: [dump(120)] });
    await t.watch.tick('running');
    t.fake.listing = { kind: 'ok', dumps: [dump(2)] };
    t.watch.afterUnlock();
    await t.watch.tick('running');
    expect(t.raised.at(-1)).toEqual(['db-dump-stale', false, undefined]);
    t.fake.listing = { kind: 'ok', dumps: [dump(120)] };
    await t.watch.tick('running');
    expect(t.raised).toHaveLength(2); // once per unlock, then on its cadence again
  });

  it('says no dump was found, and that the backup leaves the dumps out', async () => {
    const t = setup({ kind: 'missing' }, ['/mnt/immich_drive/immich_data/library']);
    await t.watch.tick('running');
    expect(t.raised).toEqual([
      [
        'db-dump-stale',
        true,
        'No database dump was found in immich_data/backups. The newest backup leaves immich_data/backups out.',
      ],
    ]);
  });

  it('asks the helper when the agent may not read the directory', async () => {
    const t = setup({ kind: 'denied' }, null);
    t.fake.helper = { ok: true, dumps: [dump(1)] };
    await t.watch.tick('running');
    expect(t.helperCalls).toEqual(['list-dumps']);
    expect(t.watch.current()).toMatchObject({
      stale: false,
      inSnapshot: null,
      newest: { bytes: 9 },
    });
    expect(t.raised).toEqual([['db-dump-stale', false, undefined]]);
  });
});
