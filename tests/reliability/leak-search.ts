// The leak audit's search: a secret in every encoding a program might write it in, looked for
// byte by byte in files (binary-safe) and in captured output.
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Needle is one form of a secret: a label saying which, and its bytes. */
export interface Needle {
  label: string;
  bytes: Buffer;
}

/** Hit says where which form of a secret was found. */
export interface Hit {
  where: string;
  needle: string;
}

/** Any this many bytes in a row of the secret count as a (partial) leak. */
export const WINDOW_BYTES = 12;

/**
 * base64Runs answers the base64 characters that encode only the secret's bits, for each of the
 * three byte alignments it can have inside a longer encoded blob: whatever bytes surround it, an
 * encoding of it contains one of these.
 */
function base64Runs(bytes: Buffer, encoding: 'base64' | 'base64url'): string[] {
  return [0, 1, 2].map((pad) => {
    const text = Buffer.concat([Buffer.alloc(pad), bytes]).toString(encoding);
    return text.slice(Math.ceil((pad * 8) / 6), Math.floor(((pad + bytes.length) * 8) / 6));
  });
}

/** jsonEscaped is the secret as JSON writes it with every non-ASCII character as \uXXXX. */
function jsonEscaped(secret: string): string {
  return JSON.stringify(secret)
    .slice(1, -1)
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * needlesFor answers every form of `secret` the audit looks for: its UTF-8 bytes, UTF-16LE,
 * JSON \u escapes, percent-encoding, hex (both cases), base64 and base64url at each alignment,
 * and every WINDOW_BYTES-byte run of its UTF-8 bytes (a truncated copy is a leak too).
 */
export function needlesFor(secret: string, name: string): Needle[] {
  const utf8 = Buffer.from(secret, 'utf8');
  const forms: [string, Buffer][] = [
    ['utf8', utf8],
    ['utf16le', Buffer.from(secret, 'utf16le')],
    ['json-escaped', Buffer.from(jsonEscaped(secret))],
    ['percent-encoded', Buffer.from(encodeURIComponent(secret))],
    ['hex', Buffer.from(utf8.toString('hex'))],
    ['HEX', Buffer.from(utf8.toString('hex').toUpperCase())],
  ];
  for (const encoding of ['base64', 'base64url'] as const) {
    base64Runs(utf8, encoding).forEach((run, pad) => {
      forms.push([`${encoding}@${pad}`, Buffer.from(run)]);
    });
  }
  for (let at = 0; at + WINDOW_BYTES <= utf8.length; at++) {
    forms.push([`utf8[${at}..${at + WINDOW_BYTES}]`, utf8.subarray(at, at + WINDOW_BYTES)]);
  }
  return forms.map(([label, bytes]) => ({ label: `${name} ${label}`, bytes }));
}

/** findIn answers the needles found in one buffer (or text, searched as UTF-8). */
export function findIn(where: string, content: Buffer | string, needles: Needle[]): Hit[] {
  const haystack = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return needles
    .filter((needle) => haystack.includes(needle.bytes))
    .map((needle) => ({ where, needle: needle.label }));
}

/** TreeSearch is what searchTree looked at and found. */
export interface TreeSearch {
  hits: Hit[];
  files: string[];
  bytes: number;
}

/**
 * searchTree reads every regular file under dir (symlinks are not followed), except the paths
 * in `skip`, and answers the needles found in each. Bounded by maxFiles.
 */
export async function searchTree(
  dir: string,
  needles: Needle[],
  options: { skip?: ReadonlySet<string>; maxFiles?: number } = {},
): Promise<TreeSearch> {
  const { skip = new Set<string>(), maxFiles = 10_000 } = options;
  const result: TreeSearch = { hits: [], files: [], bytes: 0 };
  const pending = [dir];
  while (pending.length > 0 && result.files.length < maxFiles) {
    const at = pending.pop() as string;
    const names = await readdir(at).catch(() => [] as string[]);
    for (const name of names) {
      const path = join(at, name);
      if (skip.has(path)) continue;
      // lstat: a symlink is not followed (the by-UUID link points at the drive image).
      const stat = await lstat(path).catch(() => null);
      if (stat?.isDirectory()) pending.push(path);
      if (!stat?.isFile()) continue;
      const content = await readFile(path).catch(() => null);
      if (!content) continue;
      result.files.push(path);
      result.bytes += content.length;
      result.hits.push(...findIn(path, content, needles));
    }
  }
  return result;
}
