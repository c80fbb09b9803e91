// What the resource modules (unlock, push, backups, devices, immich) build on: the signed request of api/index.ts,
// and the paging query both history lists (audit, backups) send.
import type { Schema } from './errors.ts';

/** Signed is the signed request: clock learning, retries and the agent-key hard stop included. */
export type Signed = <T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  schema: Schema<T>,
  query?: string,
  body?: unknown,
) => Promise<T>;

/** Page asks for one page of a history: `before` is the `next` of the page before. */
export interface Page {
  limit?: number;
  before?: string | number | null;
}

/** pageQuery is the page as the signed query string: '' for the defaults. */
export function pageQuery(page: Page): string {
  const params = new URLSearchParams();
  if (page.limit !== undefined) params.set('limit', String(page.limit));
  if (page.before !== undefined && page.before !== null) params.set('before', String(page.before));
  const text = params.toString();
  return text ? `?${text}` : '';
}
