// The seeded demo backup history (`npm start`, tests that need a past): valid run records, one a
// night at ~03:00 with one failed, one partial and one interrupted run, whose snapshot listings
// agree with the stub rustic's repository, the same for the same clock.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../agent/src/adapters/run-command.ts';
import { parseSnapshots } from '../../agent/src/adapters/rustic/snapshots.ts';
import {
  type RunRecord,
  RunRecord as RunRecordSchema,
} from '../../agent/src/domain/backups/spool-record.ts';
import { createSandboxPi, type SandboxPi } from '../../sandbox-pi/index.ts';

/** newIds are the snapshot ids a run's record lists after it and not before. */
const newIds = (record: RunRecord) => {
  const after = record.snapshots.ok ? record.snapshots.snapshots.map((s) => s.id) : [];
  return after.filter((id) => !record.before?.snapshotIds?.includes(id));
};

describe('seeded demo backup history', () => {
  let seeded: SandboxPi;
  const NOW = new Date(2026, 10, 24, 9, 30).getTime(); // local 09:30, so last night's run is in

  beforeAll(async () => {
    seeded = await createSandboxPi();
  });
  afterAll(() => seeded?.remove());

  it('writes 21 valid demo runs, one a night, whose listings match the repository', async () => {
    expect(await seeded.seedBackupHistory({ now: NOW })).toBe(21);
    const names = (await readdir(seeded.spoolDir)).sort();
    expect(names).toHaveLength(21);
    const records = await Promise.all(
      names.map(async (n) =>
        v.parse(RunRecordSchema, JSON.parse(await readFile(join(seeded.spoolDir, n), 'utf8'))),
      ),
    );
    records.sort((a, b) => a.at.wallMs - b.at.wallMs);
    const repo = parseSnapshots(
      (await runCommand([join(seeded.dir, 'bin/rustic'), 'snapshots', '--json'])).stdout,
    );
    if (!repo.ok) throw new Error(repo.error);
    expect(repo.snapshots).toHaveLength(1 + 21 - 2); // the initial backup; failed and interrupted made none

    let previousIds: string[] | null = null;
    const kinds: string[] = [];
    for (const record of records) {
      expect(record.demo).toBe(true);
      expect(`${record.invocationId}.run.json`).toBeOneOf(names);
      const started = new Date(record.before?.at.wallMs ?? 0);
      expect(started.getHours()).toBe(3);
      const seconds = (record.at.monoMs - (record.before?.at.monoMs ?? 0)) / 1000;
      expect(seconds).toBe((record.at.wallMs - started.getTime()) / 1000);
      expect(seconds).toBeGreaterThanOrEqual(180);
      expect(seconds).toBeLessThanOrEqual(25 * 60 + 30);
      expect(record.at.bootId).toBe(records[0]?.at.bootId);
      if (!record.snapshots.ok) throw new Error('a seeded listing failed');
      const after = record.snapshots.snapshots;
      expect(after).toEqual(repo.snapshots.filter((s) => (s.timeMs ?? 0) <= record.at.wallMs));
      if (previousIds) expect(record.before?.snapshotIds).toEqual(previousIds);
      previousIds = after.map((s) => s.id);
      const made = newIds(record).length;
      const log = record.log.join('\n');
      kinds.push(
        record.exitStatus === '1'
          ? `failed:${made}:${log.includes('[ERROR]')}`
          : log.includes('ignoring error')
            ? `partial:${made}`
            : log.includes('received SIGTERM')
              ? `interrupted:${made}`
              : `succeeded:${made}`,
      );
    }
    expect(kinds.filter((k) => k.startsWith('succeeded'))).toEqual(Array(18).fill('succeeded:1'));
    expect(kinds.filter((k) => !k.startsWith('succeeded')).sort()).toEqual([
      'failed:0:true',
      'interrupted:0',
      'partial:1',
    ]);
    expect(kinds.at(-1)).toBe('succeeded:1');
    const files = repo.snapshots.at(-1)?.filesProcessed ?? 0;
    expect(files).toBeGreaterThan(100_000);
    expect(files).toBeLessThan(140_000);
    expect(repo.snapshots.at(-1)?.bytesProcessed).toBeGreaterThan(350e9);
  });

  it('ends the newest run at lastRunEndedAt when a test needs the last backup a set age', async () => {
    const other = await createSandboxPi();
    try {
      const endedAt = Date.now() - 2 * 3600_000;
      expect(await other.seedBackupHistory({ days: 3, lastRunEndedAt: endedAt })).toBe(3);
      const names = await readdir(other.spoolDir);
      const ends = await Promise.all(
        names.map(
          async (n) => JSON.parse(await readFile(join(other.spoolDir, n), 'utf8')).at.wallMs,
        ),
      );
      expect(Math.max(...ends)).toBe(endedAt);
      expect(Math.min(...ends)).toBeLessThan(endedAt - 47 * 3600_000);
    } finally {
      await other.remove();
    }
  });

  it('writes the same history for the same now', async () => {
    const again = await createSandboxPi();
    try {
      expect(await again.seedBackupHistory({ now: NOW })).toBe(21);
      const read = async (pi: SandboxPi) => {
        const names = (await readdir(pi.spoolDir)).sort();
        return Promise.all(names.map((n) => readFile(join(pi.spoolDir, n), 'utf8')));
      };
      expect(await read(again)).toEqual(await read(seeded));
    } finally {
      await again.remove();
    }
  });
});
