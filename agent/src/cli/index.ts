#!/usr/bin/env node
// The `immich-pi-agent` command: serve, pair, devices. Errors become one plain line and exit 1-2.
// The root helper and the backup reporter are programs of their own (helper/main.ts,
// cli/report-backup.ts), so what runs as root loads none of this.
import { AdminSocketError } from '../adapters/admin-socket.ts';
import { ConfigError } from '../config.ts';
import { UsageError } from './args.ts';
import { DEVICES_HELP, devicesCommand } from './devices.ts';
import { PAIR_HELP, pairCommand } from './pair.ts';
import { SERVE_HELP, serveCommand } from './serve.ts';

const HELP = `Usage: immich-pi-agent <command> [options]

Commands:
  serve     run the agent (the NixOS service does this)
  pair      make a one-time code to pair a phone (--role admin|viewer)
  devices   list paired devices and their roles, change a role, or revoke one

Run \`immich-pi-agent <command> --help\` for a command's options.
`;

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; help: string }> = {
  serve: { run: serveCommand, help: SERVE_HELP },
  pair: { run: pairCommand, help: PAIR_HELP },
  devices: { run: devicesCommand, help: DEVICES_HELP },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' && rest[0] ? COMMANDS[rest[0]] : undefined;
    process.stdout.write(topic?.help ?? HELP);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command "${name}"`);
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(
        `immich-pi-agent: ${error.message}\nRun \`immich-pi-agent --help\` for usage.\n`,
      );
      process.exitCode = 2;
    } else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      const where = (error as { address?: string; port?: number }).address ?? '';
      const port = (error as { port?: number }).port;
      process.stderr.write(
        `immich-pi-agent: ${where}${port ? `:${port}` : ''} is already in use (is another agent running?)\n`,
      );
      process.exitCode = 1;
    } else if (error instanceof AdminSocketError || error instanceof ConfigError) {
      process.stderr.write(`immich-pi-agent: ${error.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`immich-pi-agent: ${(error as Error).stack ?? error}\n`);
      process.exitCode = 1;
    }
  },
);
