#!/usr/bin/env node
// `immich-pi-helper`: the privileged helper (ARCHITECTURE §8), a program of its own so that what
// runs as root is only the helper's code: no HTTP server, no push, no agent config.
// systemd starts one per connection with the socket as stdin and stdout; in development the agent
// spawns it per request.
import { parseArgs } from 'node:util';
import { HelperConfigError, loadHelperConfig } from './config.ts';
import { runHelper } from './run.ts';

const HELPER_HELP = `Usage: immich-pi-helper --config FILE

Runs the privileged helper for one request: reads one framed request on stdin, carries it out
and writes one JSON answer line on stdout. On the Pi, systemd runs it as root per connection
to /run/immich-pi-helper/helper.sock; the agent never runs as root itself.

Requests:
  open\\n<len>\\n<len bytes>  open the drive (the passphrase bytes, 1-512, nothing after)
  check\\n<len>\\n<len bytes> check the passphrase against the drive's LUKS header, open nothing
  close\\n                    close the drive
  start <unit>\\n             start a unit from the helper config
  stop <unit>\\n              stop a unit from the helper config
  start-backup\\n             start the backup unit without waiting for it
  tries\\n                    the wrong-passphrase record: how long ago each recent failure was
  set-cpu-quota <unit> <percent>|off\\n
                             cap a capUnits unit's CPU at 1-400 % of one core until the next
                             boot (systemctl set-property --runtime), or lift the cap
  start-drill\n              start the restore drill's verify unit without waiting for it
  drive-health\n             smartctl --json -H -A -i on the disk behind the LUKS device
                             (-d sat tried again for a USB bridge): its exit status and output
  list-dumps\n               names, sizes and times of Immich's database dumps (dumpsDir)

Options:
  --config FILE  the helper's JSON config (programs, device, units, cap units, state dir,
                 verify unit, smartctl, dumps directory, sysfs and /dev roots)

It exits 0 once it has answered, refusals included; 2 for bad flags, 1 for a bad config.
`;

/** helperMain answers one request from stdin on stdout and answers the exit code. */
async function helperMain(argv: string[]): Promise<number> {
  let values: { config?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (error) {
    return fail(2, `${(error as Error).message}\nRun \`immich-pi-helper --help\` for usage.`);
  }
  if (values.help) {
    process.stdout.write(HELPER_HELP);
    return 0;
  }
  if (values.config === undefined) return fail(2, 'needs --config FILE');
  const config = await loadHelperConfig(values.config);
  await runHelper(process.stdin, process.stdout, config);
  // Bytes the client sent after a refused frame must not keep the process alive.
  process.stdin.destroy();
  return 0;
}

function fail(code: number, message: string): number {
  process.stderr.write(`immich-pi-helper: ${message}\n`);
  return code;
}

helperMain(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const plain = error instanceof HelperConfigError;
    process.exitCode = fail(1, plain ? (error as Error).message : String((error as Error).stack));
  },
);
