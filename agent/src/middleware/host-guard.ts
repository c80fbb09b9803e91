// Every request must name this agent in Host, so a DNS-rebound page cannot reach it (api.md).
import type { HttpBindings } from '@hono/node-server';
import type { Context, MiddlewareHandler } from 'hono';
import type { Config } from '../config.ts';
import { ApiError } from '../errors.ts';

export interface HostGuardOptions {
  /** The URL phones open (config `publicUrl`): its host is always this agent's own. */
  publicUrl: string;
  /**
   * Where the agent listens. On a unix socket (behind `tailscale serve`) Host is a bare
   * `localhost` whatever the phone opened; on TCP loopback (the demo, tests) it is the address the
   * browser typed, which must then be a loopback name on the port the request came in on.
   */
  listen: Config['listen'];
}

export type HostGuardEnv = {
  Bindings: Partial<HttpBindings> | undefined;
  Variables: { authority: string };
};

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);
const isLoopbackName = (hostname: string) =>
  LOOPBACK_NAMES.has(hostname) || hostname.endsWith('.localhost');
// A Host field's syntax (RFC 9110 §7.2) as far as we ever answer one: a name or an IP literal.
const HOST_FIELD = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::[0-9]{1,5})?$/;

/** parseHost normalises a Host value as URL.host would (lower case, no :80), or answers null. */
function parseHost(value: string): URL | null {
  if (!HOST_FIELD.test(value)) return null;
  try {
    return new URL(`http://${value}/`);
  } catch {
    return null;
  }
}

// The port the request came in on: its socket's; in-process requests (tests) count as arriving
// on the configured one.
function localPort(c: Context<HostGuardEnv>, listen: { port: number }): number {
  return c.env?.incoming?.socket?.localPort ?? listen.port;
}

const refused = () =>
  new ApiError('host-refused', 'This agent does not answer to that name (Host).');

/**
 * hostGuard refuses any request whose Host names something other than this agent: publicUrl's
 * host, or a loopback name (`localhost`, `127.0.0.1`, `[::1]`, `*.localhost`) as the listener
 * receives it. It then sets `authority`, the name signatures are checked against: publicUrl's
 * host on a unix socket (where Host is only ever localhost), the Host itself on TCP; never
 * X-Forwarded-Host, which anyone on the way could write. It throws when built if publicUrl has
 * no host.
 */
export function hostGuard(options: HostGuardOptions): MiddlewareHandler<HostGuardEnv> {
  const { listen } = options;
  const publicHost = new URL(options.publicUrl).host;
  if (publicHost === '') throw new Error(`hostGuard: publicUrl ${options.publicUrl} has no host`);
  return async function hostGuard(c, next) {
    // Node builds the request's URL from Host; an in-process request may have only the URL.
    const field = c.req.header('host') ?? new URL(c.req.url).host;
    const host = parseHost(field);
    if (host === null) throw refused();
    if (host.host === publicHost) {
      c.set('authority', publicHost);
    } else if (!isLoopbackName(host.hostname)) {
      throw refused();
    } else if ('socket' in listen) {
      // tailscale serve sends a bare `localhost`: no port (not even :80), nothing else.
      if (/:[0-9]+$/.test(field)) throw refused();
      c.set('authority', publicHost);
    } else {
      if (Number(host.port || 80) !== localPort(c, listen)) throw refused();
      c.set('authority', host.host);
    }
    await next();
  };
}
