// One way to read JSON text against a schema (configs, spool records, admin requests, bodies):
// JSON.parse, valibot, and a failure that says where, in valibot's own words for the path.
import * as v from 'valibot';

/** The first problem of a failed check: where (a dotted path, null at the top) and what. */
export interface FirstIssue {
  where: string | null;
  message: string;
  /** Every issue, one per line (valibot's summarize). */
  summary: string;
}

export type Parsed<T> =
  | { ok: true; value: T }
  | { ok: false; notJson: true; message: string }
  | ({ ok: false; notJson: false } & FirstIssue);

/** firstIssue describes a failed safeParse by its first issue. */
export function firstIssue(issues: [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]]): FirstIssue {
  const [issue] = issues;
  return {
    where: v.getDotPath(issue) || null,
    message: issue.message,
    summary: v.summarize(issues),
  };
}

/** check validates a value already parsed (a config laid over flags, a request's JSON). */
export function check<T>(schema: v.GenericSchema<unknown, T>, raw: unknown): Parsed<T> {
  const parsed = v.safeParse(schema, raw);
  if (parsed.success) return { ok: true, value: parsed.output };
  return { ok: false, notJson: false, ...firstIssue(parsed.issues) };
}

/** parseJson parses text and validates it; it never throws. */
export function parseJson<T>(text: string, schema: v.GenericSchema<unknown, T>): Parsed<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, notJson: true, message: (error as Error).message };
  }
  return check(schema, raw);
}
