// Checks a restored Immich database dump: gzip that decompresses whole, holding a PostgreSQL dump.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

/** The decompressed bytes the header check looks at. */
export const HEADER_BYTES = 4096;

/** pg_dumpall and pg_dump (plain SQL) open with these comment lines; Immich uses both. */
const PG_HEADER = /^(--[^\n]*\n)*-- PostgreSQL database (cluster )?dump\b/;

/** looksLikePgDump answers whether decompressed text opens as a plain-SQL PostgreSQL dump. */
export function looksLikePgDump(head: string): boolean {
  return PG_HEADER.test(head.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n'));
}

/**
 * checkDump streams the whole file through gunzip (so a cut-short dump is found at its end) and
 * looks at the first HEADER_BYTES of its text. Answers null when it is good, else plain words.
 */
export function checkDump(path: string): Promise<string | null> {
  return new Promise((resolve) => {
    const source = createReadStream(path);
    const gunzip = createGunzip();
    let head = '';
    let headBytes = 0;
    let first = true;
    let done = false;
    const finish = (problem: string | null) => {
      if (done) return;
      done = true;
      source.destroy();
      gunzip.destroy();
      resolve(problem);
    };
    source.once('data', (chunk) => {
      const b = chunk as Buffer;
      if (first && (b.length < 2 || b[0] !== 0x1f || b[1] !== 0x8b)) finish('it is not gzip');
      first = false;
    });
    source.on('error', () => finish('it could not be read'));
    gunzip.on('data', (chunk: Buffer) => {
      if (headBytes < HEADER_BYTES) {
        const part = chunk.subarray(0, HEADER_BYTES - headBytes);
        head += part.toString('utf8');
        headBytes += part.length;
      }
    });
    gunzip.on('error', (error: NodeJS.ErrnoException) => {
      finish(error.code === 'Z_BUF_ERROR' ? 'it is cut short' : 'it does not decompress');
    });
    gunzip.on('end', () => {
      if (first) return finish('it is empty');
      finish(looksLikePgDump(head) ? null : 'it does not look like a PostgreSQL dump');
    });
    source.on('end', () => {
      if (first) finish('it is empty');
    });
    source.pipe(gunzip);
  });
}
