import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkDump, looksLikePgDump } from './dump-check.ts';

const CLUSTER =
  '--\n-- PostgreSQL database cluster dump\n--\n\nSET default_transaction_read_only = off;\n';
const SINGLE = '--\n-- PostgreSQL database dump\n--\n\n-- Dumped from database version 14.13\n';

describe('looksLikePgDump', () => {
  it('knows pg_dumpall and pg_dump headers', () => {
    expect(looksLikePgDump(CLUSTER)).toBe(true);
    expect(looksLikePgDump(SINGLE)).toBe(true);
    expect(looksLikePgDump('\uFEFF--\r\n-- PostgreSQL database dump\r\n')).toBe(true);
  });
  it('refuses other text', () => {
    expect(looksLikePgDump('hello\n-- PostgreSQL database dump')).toBe(false);
    expect(looksLikePgDump('PGDMP\u0001')).toBe(false);
  });
});

describe('checkDump', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dump-'));
  const at = async (name: string, data: Buffer | string) => {
    await writeFile(join(dir, name), data);
    return join(dir, name);
  };
  const body = CLUSTER + 'INSERT INTO t VALUES (1);\n'.repeat(20_000);

  it('passes a whole dump', async () =>
    expect(await checkDump(await at('ok.sql.gz', gzipSync(body)))).toBeNull());
  it('says a plain file is not gzip', async () =>
    expect(await checkDump(await at('plain.sql.gz', body))).toBe('it is not gzip'));
  it('says a truncated dump is cut short', async () => {
    const whole = gzipSync(body);
    const cut = whole.subarray(0, Math.floor(whole.length / 2));
    expect(await checkDump(await at('cut.sql.gz', cut))).toBe('it is cut short');
  });
  it('says gzip of something else is not a dump', async () =>
    expect(await checkDump(await at('other.sql.gz', gzipSync('{"a":1}')))).toBe(
      'it does not look like a PostgreSQL dump',
    ));
  it('says an empty file is empty', async () =>
    expect(await checkDump(await at('empty.sql.gz', ''))).toBe('it is empty'));
});
