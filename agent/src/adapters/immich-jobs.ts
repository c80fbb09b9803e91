// Immich's API on loopback (ARCHITECTURE §16): its version, its queues, and pause and resume,
// through the current queues API or the older jobs API, chosen by version.
import * as v from 'valibot';
import type { ImmichApi } from '../../../shared/immich.ts';

export type { ImmichApi } from '../../../shared/immich.ts';

/** One queue as Immich reports it; unknown fields are ignored. */
export interface ImmichQueueState {
  name: string;
  waiting: number;
  active: number;
  paused: boolean;
}

export type ImmichFailure = 'key-refused' | 'unreachable' | 'bad-answer';

/** ImmichCallError is a call that failed, with a code the tile shows; never the key. */
export class ImmichCallError extends Error {
  override name = 'ImmichCallError';
  constructor(
    readonly code: ImmichFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface ImmichVersion {
  /** "v1.135.3" */
  version: string;
  api: ImmichApi;
}

export interface ImmichJobsClient {
  /** GET /api/server/version: the version and which API serves the queues. */
  version(apiKey: string): Promise<ImmichVersion>;
  queues(api: ImmichApi, apiKey: string): Promise<ImmichQueueState[]>;
  /** Pauses or resumes one queue. */
  setPaused(api: ImmichApi, name: string, paused: boolean, apiKey: string): Promise<void>;
}

export interface ImmichJobsOptions {
  /** The configured Immich URL (loopback). */
  baseUrl: string;
  timeoutMs?: number;
  maxResponseBytes?: number;
  fetch?: typeof fetch;
}

const DEFAULT_TIMEOUT_MS = 5_000;
/** Twenty-odd queues answer in a few KB; anything past this is not Immich's queue list. */
const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024;

/**
 * Immich's OpenAPI spec marks GET /api/queues and PUT /api/queues/{name} (body {isPaused}) as
 * added in v2.4.0 (x-immich-history); from then on the jobs API's pause and resume commands are
 * deprecated in favour of it. Servers before 2.4.0 only have GET /api/jobs and
 * PUT /api/jobs/{name} with {command, force}. So 2.4.0 and later use queues, older use jobs.
 */
export const QUEUES_API_SINCE = { major: 2, minor: 4, patch: 0 } as const;

/** Queue names are Immich's camelCase identifiers; anything else never goes into a URL. */
const QUEUE_NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

const Count = v.fallback(v.pipe(v.number(), v.integer(), v.minValue(0)), 0);

/** Counts as both APIs report them (QueueStatisticsDto); a missing or odd count is 0. */
const Counts = v.fallback(
  v.object({ waiting: Count, active: Count, paused: Count, delayed: Count }),
  { waiting: 0, active: 0, paused: 0, delayed: 0 },
);

const Version = v.object({
  major: v.pipe(v.number(), v.integer(), v.minValue(0)),
  minor: v.pipe(v.number(), v.integer(), v.minValue(0)),
  patch: v.pipe(v.number(), v.integer(), v.minValue(0)),
});

/** GET /api/queues: an array of QueueResponseDto {name, isPaused, statistics}. */
const QueuesAnswer = v.array(v.unknown());
const QueueEntry = v.object({ name: v.string(), isPaused: v.boolean(), statistics: Counts });

/** GET /api/jobs: an object of QueueResponseLegacyDto {jobCounts, queueStatus} keyed by name. */
const JobsAnswer = v.record(v.string(), v.unknown());
const JobsEntry = v.object({ jobCounts: Counts, queueStatus: v.object({ isPaused: v.boolean() }) });

/** apiFor picks the queues API from 2.4.0 on (see QUEUES_API_SINCE). */
export function apiFor(version: { major: number; minor: number; patch: number }): ImmichApi {
  const since = QUEUES_API_SINCE;
  if (version.major !== since.major) return version.major > since.major ? 'queues' : 'jobs';
  if (version.minor !== since.minor) return version.minor > since.minor ? 'queues' : 'jobs';
  return version.patch >= since.patch ? 'queues' : 'jobs';
}

/** createImmichJobsClient talks to Immich at baseUrl; the key goes only in x-api-key. */
export function createImmichJobsClient(options: ImmichJobsOptions): ImmichJobsClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  // Reading the global `fetch` loads undici: only on the first call, as the ping does.
  const fetchUrl: typeof fetch = options.fetch ?? ((input, init) => fetch(input, init));

  /** call sends one request and answers its parsed JSON, or throws an ImmichCallError. */
  async function call(method: 'GET' | 'PUT', path: string, apiKey: string, body?: unknown) {
    const headers: Record<string, string> = { accept: 'application/json', 'x-api-key': apiKey };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetchUrl(`${base}${path}`, {
        method,
        headers,
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ImmichCallError('unreachable', `Immich did not answer ${method} ${path}`);
    }
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel().catch(() => {});
      throw new ImmichCallError(
        'key-refused',
        `Immich refused the API key (${res.status}) for ${method} ${path}`,
      );
    }
    const text = await readLimited(res, maxBytes, `${method} ${path}`);
    if (res.status < 200 || res.status > 299) {
      throw new ImmichCallError('bad-answer', `Immich answered ${res.status} to ${method} ${path}`);
    }
    if (text.trim() === '') return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ImmichCallError('bad-answer', `Immich answered ${method} ${path} with no JSON`);
    }
  }

  return {
    async version(apiKey) {
      const parsed = v.safeParse(Version, await call('GET', '/api/server/version', apiKey));
      if (!parsed.success) {
        throw new ImmichCallError('bad-answer', 'Immich answered GET /api/server/version oddly');
      }
      const { major, minor, patch } = parsed.output;
      return { version: `v${major}.${minor}.${patch}`, api: apiFor(parsed.output) };
    },

    async queues(api, apiKey) {
      if (api === 'queues') {
        const parsed = v.safeParse(QueuesAnswer, await call('GET', '/api/queues', apiKey));
        if (!parsed.success) throw oddAnswer('GET /api/queues');
        // One queue we cannot read is left out, not fatal: the others still show.
        const read = parsed.output.flatMap((entry) => {
          const q = v.safeParse(QueueEntry, entry);
          if (!q.success) return [];
          const { name, isPaused, statistics } = q.output;
          return [
            { name, waiting: waitingOf(statistics), active: statistics.active, paused: isPaused },
          ];
        });
        return someRead(read, parsed.output.length, 'GET /api/queues');
      }
      const body = await call('GET', '/api/jobs', apiKey);
      // valibot's record takes an array as an object of indexes: the queues API's answer is not this.
      const parsed = v.safeParse(JobsAnswer, Array.isArray(body) ? null : body);
      if (!parsed.success) throw oddAnswer('GET /api/jobs');
      const entries = Object.entries(parsed.output);
      const read = entries.flatMap(([name, entry]) => {
        const q = v.safeParse(JobsEntry, entry);
        if (!q.success) return [];
        const { jobCounts, queueStatus } = q.output;
        return [
          {
            name,
            waiting: waitingOf(jobCounts),
            active: jobCounts.active,
            paused: queueStatus.isPaused,
          },
        ];
      });
      return someRead(read, entries.length, 'GET /api/jobs');
    },

    async setPaused(api, name, paused, apiKey) {
      if (!QUEUE_NAME.test(name)) {
        throw new ImmichCallError(
          'bad-answer',
          `not an Immich queue name: ${JSON.stringify(name)}`,
        );
      }
      if (api === 'queues') {
        await call('PUT', `/api/queues/${name}`, apiKey, { isPaused: paused });
      } else {
        await call('PUT', `/api/jobs/${name}`, apiKey, {
          command: paused ? 'pause' : 'resume',
          force: false,
        });
      }
    },
  };
}

/**
 * waitingOf is what still waits to run. A paused BullMQ queue moves its waiting jobs to the
 * `paused` count, so both count as waiting; delayed jobs (retries) wait too.
 */
const waitingOf = (c: v.InferOutput<typeof Counts>) => c.waiting + c.paused + c.delayed;

/** someRead answers the queues read, unless there were some and not one could be read. */
function someRead(read: ImmichQueueState[], seen: number, what: string): ImmichQueueState[] {
  if (seen > 0 && read.length === 0) throw oddAnswer(what);
  return read;
}

const oddAnswer = (what: string) =>
  new ImmichCallError('bad-answer', `Immich answered ${what} with a shape we cannot read`);

/** readLimited reads the body as text, refusing more than maxBytes (and stopping the download). */
async function readLimited(res: Response, maxBytes: number, what: string): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw new ImmichCallError('bad-answer', `Immich's answer to ${what} is too large`);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw new ImmichCallError('bad-answer', `Immich's answer to ${what} is too large`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof ImmichCallError) throw error;
    throw new ImmichCallError('unreachable', `Immich stopped answering ${what}`);
  }
  return Buffer.concat(chunks).toString('utf8');
}
