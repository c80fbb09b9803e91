// `immich-pi-agent helper`: the privileged helper (ARCHITECTURE §8). systemd starts one per
// connection with the socket as stdin and stdout; in development the agent spawns it per request.
import { loadHelperConfig } from '../helper/config.ts';
import { runHelper } from '../helper/run.ts';
import { parseFlags, UsageError } from './args.ts';

export const HELPER_HELP = `Usage: immich-pi-agent helper --config FILE

Runs the privileged helper for one request: reads one framed request on stdin, carries it out
and writes one JSON answer line on stdout. On the Pi, systemd runs it as root per connection
to /run/immich-pi-helper/helper.sock; the agent never runs as root itself.

Requests:
  open\\n<len>\\n<len bytes>  open the drive (the passphrase bytes, 1-512, nothing after)
  close\\n                    close the drive
  start <unit>\\n             start a unit from the helper config
  stop <unit>\\n              stop a unit from the helper config
  start-backup\\n             start the backup unit without waiting for it

Options:
  --config FILE  the helper's JSON config (programs, device, units, state dir)

It exits 0 once it has answered, refusals included.
`;

/** helperCommand answers one request from stdin on stdout, then exits 0. */
export async function helperCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { config: { type: 'string' } });
  if (values.help) {
    process.stdout.write(HELPER_HELP);
    return 0;
  }
  if (values.config === undefined) throw new UsageError('helper needs --config FILE');
  const config = await loadHelperConfig(values.config);
  await runHelper(process.stdin, process.stdout, config);
  // Bytes the client sent after a refused frame must not keep the process alive.
  process.stdin.destroy();
  return 0;
}
