import { describe, expect, it } from 'vitest';
import { newestDump } from './newest-dump.ts';

const d = '/mnt/immich_drive/immich_data/backups';
describe('newestDump', () => {
  it('chooses by mtime, not by name', () => {
    const newest = newestDump([
      {
        path: `${d}/immich-db-backup-20261203T020000-v1.130.3-pg14.13.sql.gz`,
        bytes: 1,
        mtimeMs: 10,
      },
      {
        path: `${d}/immich-db-backup-20261201T020000-v1.130.3-pg14.13.sql.gz`,
        bytes: 1,
        mtimeMs: 30,
      },
    ]);
    expect(newest?.path).toContain('20261201');
  });
  it('ignores other files and answers null when none', () => {
    expect(newestDump([{ path: `${d}/notes.txt`, bytes: 1, mtimeMs: 99 }])).toBeNull();
    expect(newestDump([{ path: `${d}/immich-db-backup-x.sql`, bytes: 1, mtimeMs: 99 }])).toBeNull();
  });
});
