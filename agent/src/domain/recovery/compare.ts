// The drill's comparison: a restored file against the drive's original, by streamed SHA-256.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** sha256File hashes a file without reading it whole into memory. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** compareFiles answers null when both hash the same, else the problem in plain words. */
export async function compareFiles(restored: string, original: string): Promise<string | null> {
  let a: string;
  try {
    a = await sha256File(restored);
  } catch {
    return 'it was not restored';
  }
  let b: string;
  try {
    b = await sha256File(original);
  } catch {
    return 'the original could not be read';
  }
  return a === b ? null : 'its contents differ';
}
