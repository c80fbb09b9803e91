// A small Immich library on the sandbox drive: photos and thumbs of seeded random bytes, and
// gzip'd plain-SQL database dumps named as Immich names them, for the restore drill to restore.
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const DUMP_SQL = `--
-- PostgreSQL database cluster dump
--

SET default_transaction_read_only = off;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;

CREATE ROLE postgres;
ALTER ROLE postgres WITH SUPERUSER INHERIT CREATEROLE CREATEDB LOGIN REPLICATION BYPASSRLS;

--
-- PostgreSQL database dump
--

-- Dumped from database version 14.13
CREATE TABLE public.assets (id uuid NOT NULL, "originalPath" character varying NOT NULL);
`;

/** seededBytes: n bytes from a small xorshift, the same for one seed on every run. */
function seededBytes(seed: number, n: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed * 2654435761 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').slice(0, 15);
}

/** layLibrary writes 24 photos, 12 thumbs and 3 dumps (the newest 2 h old) under dataDir. */
export async function layLibrary(dataDir: string, nowMs = Date.now()): Promise<void> {
  for (let i = 0; i < 24; i++) {
    const dir = join(dataDir, 'library/admin/2026', String(1 + (i % 4)).padStart(2, '0'));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `IMG_${1000 + i}.jpg`), seededBytes(i + 1, 2048 + i * 97));
  }
  for (let i = 0; i < 12; i++) {
    const dir = join(dataDir, 'thumbs/admin', (i * 7).toString(16).padStart(2, '0'));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `thumb_${i}.webp`), seededBytes(100 + i, 512 + i * 13));
  }
  const backups = join(dataDir, 'backups');
  await mkdir(backups, { recursive: true });
  for (const daysAgo of [2, 1, 0]) {
    const at = nowMs - daysAgo * 86_400_000 - 2 * 3_600_000;
    const file = join(backups, `immich-db-backup-${stamp(at)}-v1.130.3-pg14.13.sql.gz`);
    await writeFile(file, gzipSync(`${DUMP_SQL}-- dump ${daysAgo}\n`.repeat(40)));
    await utimes(file, at / 1000, at / 1000);
  }
}
