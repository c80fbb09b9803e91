// Asks Immich whether it is up: GET /api/server/ping answers {"res":"pong"} once it serves (§7).

/** PingImmich answers true only when Immich answered pong; it never throws. */
export type PingImmich = () => Promise<boolean>;

const PING_TIMEOUT_MS = 2_000;
const MAX_ANSWER_BYTES = 1024;

/** createImmichPing pings `<immichUrl>/api/server/ping` with a 2 s timeout and no redirects. */
export function createImmichPing(options: {
  immichUrl: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}): PingImmich {
  const url = `${options.immichUrl.replace(/\/+$/, '')}/api/server/ping`;
  const timeoutMs = options.timeoutMs ?? PING_TIMEOUT_MS;
  // Reading the global `fetch` loads undici (~10 MB of RSS on Node 20): only on the first ping.
  const fetchUrl: typeof fetch = options.fetch ?? ((input, init) => fetch(input, init));
  return async function pingImmich() {
    try {
      const res = await fetchUrl(url, {
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
        headers: { accept: 'application/json' },
      });
      if (res.status !== 200) {
        await res.body?.cancel();
        return false;
      }
      const text = await res.text();
      if (text.length > MAX_ANSWER_BYTES) return false;
      const body: unknown = JSON.parse(text);
      return (
        typeof body === 'object' && body !== null && (body as { res?: unknown }).res === 'pong'
      );
    } catch {
      return false;
    }
  };
}
