import { describe, expect, it } from 'vitest';
import { type DriveStat, type SnapshotFile, sampleFiles } from './sampling.ts';

const T = Date.UTC(2026, 11, 1, 2, 0);
const file = (path: string, bytes = 10, mtimeMs = T): SnapshotFile => ({ path, bytes, mtimeMs });
const lib = '/mnt/immich_drive/immich_data';
const dumps = `${lib}/backups`;

function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe('sampleFiles', () => {
  const files = Array.from({ length: 30 }, (_, i) => file(`${lib}/library/a/${i}.jpg`, 100 + i));
  const same = (p: string): DriveStat => {
    const f = files.find((x) => x.path === p);
    return f ? { bytes: f.bytes, mtimeMs: f.mtimeMs + 5_000 } : null;
  };

  it('picks n distinct files among unchanged ones', () => {
    const s = sampleFiles(files, same, dumps, 20, seeded(1));
    expect(s.files).toHaveLength(20);
    expect(new Set(s.files.map((f) => f.path)).size).toBe(20);
    expect(s.note).toBeNull();
  });

  it('depends on the random source', () => {
    const a = sampleFiles(files, same, dumps, 5, seeded(1)).files.map((f) => f.path);
    const b = sampleFiles(files, same, dumps, 5, seeded(7)).files.map((f) => f.path);
    expect(a).not.toEqual(b);
  });

  it('leaves out changed, missing and dump files, and says when fewer', () => {
    const list = [
      file(`${lib}/library/ok.jpg`),
      file(`${lib}/library/bigger.jpg`),
      file(`${lib}/library/newer.jpg`),
      file(`${lib}/library/gone.jpg`),
      file(`${dumps}/immich-db-backup-1.sql.gz`),
    ];
    const drive = (p: string): DriveStat => {
      if (p.endsWith('bigger.jpg')) return { bytes: 11, mtimeMs: T };
      if (p.endsWith('newer.jpg')) return { bytes: 10, mtimeMs: T + 120_000 };
      if (p.endsWith('gone.jpg')) return null;
      return { bytes: 10, mtimeMs: T };
    };
    const s = sampleFiles(list, drive, dumps, 20, Math.random);
    expect(s.files.map((f) => f.path)).toEqual([`${lib}/library/ok.jpg`]);
    expect(s.eligible).toBe(1);
    expect(s.note).toContain('only 1');
  });

  it('does not take a sibling folder named like the dumps for the dumps', () => {
    const s = sampleFiles(
      [file(`${dumps}-old/x`)],
      () => ({ bytes: 10, mtimeMs: T }),
      dumps,
      1,
      Math.random,
    );
    expect(s.files).toHaveLength(1);
  });
});
