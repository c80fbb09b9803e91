// Reading a state file at start, falling back when it is corrupt: bad state never stops the agent.
import * as v from 'valibot';
import {
  quarantine,
  readIfPresent,
  replaceDurably,
  type StatePaths,
  sharesInode,
  syncDir,
} from './files.ts';

/** RecoveryReport says a state file was corrupt or missing and what was done; it raises an alert. */
export interface RecoveryReport {
  /** Absolute path of the state file (`<dir>/<name>`). */
  file: string;
  outcome: 'recovered-from-previous' | 'reset-to-initial';
  /** Absolute paths the corrupt files were moved to, for someone to look at later. */
  quarantined: string[];
  reason: string;
}

const ENVELOPE_VERSION = 1;
const Envelope = v.strictObject({ version: v.literal(ENVELOPE_VERSION), data: v.unknown() });

type Reading<T> =
  | { kind: 'valid'; data: T; text: string }
  | { kind: 'missing' }
  | { kind: 'corrupt'; reason: string };

/** encodeStateFile is the on-disk form: a versioned envelope, indented for whoever SSHes in. */
export function encodeStateFile(data: unknown): string {
  return `${JSON.stringify({ version: ENVELOPE_VERSION, data }, null, 2)}\n`;
}

/** decodeStateFile checks text is JSON, a version-1 envelope, and data the schema accepts. */
export function decodeStateFile<T>(
  text: string | null,
  schema: v.GenericSchema<unknown, T>,
): Reading<T> {
  if (text === null) return { kind: 'missing' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { kind: 'corrupt', reason: `not JSON (${(error as Error).message})` };
  }
  const envelope = v.safeParse(Envelope, json);
  if (!envelope.success) {
    return { kind: 'corrupt', reason: `not a version ${ENVELOPE_VERSION} state envelope` };
  }
  const data = v.safeParse(schema, envelope.output.data);
  if (!data.success) {
    const issues = data.issues.slice(0, 3).map((i) => `${v.getDotPath(i) ?? 'data'}: ${i.message}`);
    return { kind: 'corrupt', reason: `data fails the schema (${issues.join(', ')})` };
  }
  return { kind: 'valid', data: data.output, text };
}

function describe(reading: Reading<unknown>): string {
  return reading.kind === 'corrupt' ? reading.reason : reading.kind;
}

/**
 * loadOrRecover answers the state to start from: the current file when valid, else the previous
 * copy (written back as current), else `initial()`. It only throws StateStoreError for I/O.
 */
export async function loadOrRecover<T>(
  paths: StatePaths,
  schema: v.GenericSchema<unknown, T>,
  initial: () => T,
  now: () => number,
): Promise<{ value: T; report?: RecoveryReport }> {
  const current = decodeStateFile(await readIfPresent(paths.current), schema);
  if (current.kind === 'valid') {
    // Rewriting current gives it a new inode, so the previous copy stands on its own again.
    if (await sharesInode(paths)) await replaceDurably(paths, current.text, { keepPrevious: true });
    return { value: current.data };
  }
  const previous = decodeStateFile(await readIfPresent(paths.previous), schema);
  if (current.kind === 'missing' && previous.kind === 'missing') return { value: initial() };

  const wallMs = now();
  const reason = `${paths.name}: ${describe(current)}; ${paths.name}.prev: ${describe(previous)}`;
  const quarantined: string[] = [];

  if (previous.kind === 'valid') {
    // Current keeps its name until the recovered copy replaces it, so a crash here loses nothing.
    if (current.kind === 'corrupt') {
      quarantined.push(await quarantine(paths.current, wallMs, { removeOriginal: false }));
    }
    await replaceDurably(paths, previous.text, { keepPrevious: false });
    const report = { file: paths.current, outcome: 'recovered-from-previous' as const };
    return { value: previous.data, report: { ...report, quarantined, reason } };
  }

  if (previous.kind === 'corrupt') {
    quarantined.push(await quarantine(paths.previous, wallMs, { removeOriginal: true }));
  }
  if (current.kind === 'corrupt') {
    quarantined.push(await quarantine(paths.current, wallMs, { removeOriginal: true }));
  }
  await syncDir(paths.dir);
  const report = { file: paths.current, outcome: 'reset-to-initial' as const };
  return { value: initial(), report: { ...report, quarantined, reason } };
}
