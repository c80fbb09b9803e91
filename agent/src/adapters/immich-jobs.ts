// Immich's API on loopback (ARCHITECTURE §16): its version, its queues, and pause and resume,
// through the current queues API or the older jobs API, chosen by version.
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

export function createImmichJobsClient(options: ImmichJobsOptions): ImmichJobsClient {
  void options;
  throw new Error('not built yet');
}
