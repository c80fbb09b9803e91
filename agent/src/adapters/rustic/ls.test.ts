import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLongListing } from './ls.ts';

const fixture = readFileSync(
  new URL('./fixtures/ls-long.constructed.txt', import.meta.url),
  'utf8',
);

describe('parseLongListing', () => {
  const { files, skipped } = parseLongListing(fixture, '/');
  it('keeps regular files with sizes and local minute times', () => {
    expect(files.map((f) => f.path)).toEqual([
      '/mnt/immich_drive/immich_data/library/admin/2026/IMG_0001.jpg',
      '/mnt/immich_drive/immich_data/library/admin/2026/a "quoted" name.jpg',
      '/mnt/immich_drive/immich_data/backups/immich-db-backup-20261203T020000-v1.130.3-pg14.13.sql.gz',
    ]);
    expect(files[0]?.bytes).toBe(482113);
    expect(files[0]?.mtimeMs).toBe(new Date(2026, 11, 1, 1, 58).getTime());
    expect(files[1]?.mtimeMs).toBe(new Date(2026, 10, 14, 23, 5).getTime());
  });
  it('counts lines that are not nodes', () => expect(skipped).toBe(1));
  it('answers nothing for empty output', () => expect(parseLongListing('').files).toEqual([]));
});
