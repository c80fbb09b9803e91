// The pieces both configs are built of (the agent's and the root helper's), defined once so they cannot drift.
import * as v from 'valibot';

export const AbsolutePath = v.pipe(v.string(), v.startsWith('/', 'must be an absolute path'));

/**
 * A systemd unit name: its characters (letters, digits, `:`, `-`, `_`, `.`, `\` of an escape like
 * `\x2d`, `@` of a template), at most 100 of them (the helper's request line is 128 bytes), and
 * never starting with `-` (it would read as an option in an argv), `.` or `@` (no prefix).
 */
export const UnitName = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9:_\\][A-Za-z0-9:_.@\\-]{0,99}$/, 'must be a unit name'),
);

/** A step's time limit: more than nothing, at most an hour. */
export const StepSeconds = v.pipe(v.number(), v.minValue(0.001), v.maxValue(3600));

/** The services unlock starts, in this order (lock stops them in reverse). */
export const DEFAULT_UNITS: readonly string[] = [
  'postgresql.service',
  'immich-server.service',
  'immich-machine-learning.service',
];

/** The Immich units the guard may cap: the server and machine learning, never Postgres. */
export const DEFAULT_CAP_UNITS: readonly string[] = [
  'immich-server.service',
  'immich-machine-learning.service',
];

/** The backup service: lock stops a running backup before anything else. */
export const DEFAULT_BACKUP_UNIT = 'immich-backup.service';
