// Turns request body bytes into a validated value, or a 4xx with a stable code that names the field.
import * as v from 'valibot';
import { ApiError, ValidationError } from '../errors.ts';
import { firstIssue } from '../parse-json.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** parseJsonBody checks the media type, decodes strict UTF-8, parses JSON and validates it. */
export function parseJsonBody<S extends v.GenericSchema>(
  body: Uint8Array | null,
  contentType: string | undefined,
  schema: S,
  options: { optional?: boolean } = {},
): v.InferOutput<S> {
  if (body === null) {
    if (options.optional) return validate(schema, {});
    throw new ApiError('bad-request', 'A JSON body is required.');
  }
  if (!contentType || !/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new ApiError('unsupported-media-type', 'The body must be application/json.');
  }
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(body));
  } catch {
    throw new ApiError('invalid-json', 'The body is not valid UTF-8 JSON.');
  }
  return validate(schema, value);
}

/** validate checks a value against a schema and names the first bad field. */
export function validate<S extends v.GenericSchema>(schema: S, value: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const { where, message } = firstIssue(result.issues);
  throw new ValidationError(where ? `${where}: ${message}` : message);
}
