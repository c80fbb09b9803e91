// `immich-pi-agent serve`: run the agent until SIGTERM or SIGINT.
import { existsSync } from 'node:fs';
import { loadConfig } from '../config.ts';
import { startAgent } from '../main.ts';
import { DEFAULT_CONFIG, parseFlags } from './args.ts';

export const SERVE_HELP = `Usage: immich-pi-agent serve [options]

Runs the agent: the API and the app over HTTP, and the admin socket for this CLI.

Options:
  --config FILE        JSON config (default ${DEFAULT_CONFIG} when it exists)
  --host HOST          listen on HOST:PORT (127.0.0.1 unless given) ...
  --port PORT          ... instead of the unix socket of the config
  --socket PATH        listen on a unix socket (behind tailscale serve)
  --state-dir DIR      where devices, keys and the audit log are kept
  --root DIR           prefix for /sys, /proc and /dev (tests and the sandbox Pi)
  --pwa-dir DIR        the built app to serve
  --admin-socket PATH  the admin socket for pair and devices
`;

/** serveCommand starts the agent and prints one line once it listens. */
export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, {
    config: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    socket: { type: 'string' },
    'state-dir': { type: 'string' },
    root: { type: 'string' },
    'pwa-dir': { type: 'string' },
    'admin-socket': { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(SERVE_HELP);
    return 0;
  }
  const config = loadConfig({
    config: values.config ?? (existsSync(DEFAULT_CONFIG) ? DEFAULT_CONFIG : undefined),
    host: values.host,
    port: values.port,
    socket: values.socket,
    stateDir: values['state-dir'],
    root: values.root,
    pwaDir: values['pwa-dir'],
    adminSocket: values['admin-socket'],
  });
  const agent = await startAgent(config);
  process.stdout.write(`immich-pi-agent listening on ${agent.url}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await agent.close();
  return 0;
}
