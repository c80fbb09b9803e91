// GET /api/v1/hello: who this agent is and what time it thinks it is (unsigned).
import { Hono } from 'hono';
import type { HelloResponse } from '../../../shared/pairing.ts';
import type { Deps } from '../deps.ts';
import type { AppEnv } from './env.ts';

/** helloRoutes answers the agent's name, key, fingerprint and clock; clients sign with that clock. */
export function helloRoutes(
  deps: Pick<Deps, 'config' | 'version' | 'agentKeyText' | 'fingerprint' | 'clock'>,
) {
  return new Hono<AppEnv>().get('/', (c) =>
    c.json({
      name: deps.config.name,
      version: deps.version,
      agentKey: deps.agentKeyText,
      fingerprint: deps.fingerprint,
      time: deps.clock.wall(),
    } satisfies HelloResponse),
  );
}
