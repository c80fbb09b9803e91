// `immich-pi-agent devices`: list paired devices, or revoke one.
import { askAgent } from '../adapters/admin-socket.ts';
import type { StoredDevice } from '../services/devices.ts';
import { adminFlags, adminSocketFrom, parseFlags, UsageError } from './args.ts';

export const DEVICES_HELP = `Usage: immich-pi-agent devices [list] [options]
       immich-pi-agent devices revoke ID [options]

Lists the paired devices, or revokes one (it is refused from its very next request).

Options:
  --config FILE        the agent's config, to find its admin socket
  --admin-socket PATH  the admin socket itself
  --json               print JSON instead of a table
`;

const when = (ms: number | null | undefined) =>
  ms ? new Date(ms).toISOString().slice(0, 16).replace('T', ' ') : 'never';

const KEY_ID_SHAPE = /^[A-Za-z0-9_-]{22}$/;

/**
 * takeRevokedId takes the word after "revoke" out of argv before flags are parsed: a key id is
 * base64url and may begin with "-", which would otherwise read as an unknown flag.
 */
function takeRevokedId(argv: string[]): { argv: string[]; id?: string } {
  const at = argv.indexOf('revoke');
  const id = at < 0 ? undefined : argv[at + 1];
  if (id === undefined || !KEY_ID_SHAPE.test(id)) return { argv };
  return { argv: argv.toSpliced(at + 1, 1), id };
}

/** devicesCommand lists or revokes devices through the running agent. */
export async function devicesCommand(rawArgv: string[]): Promise<number> {
  const taken = takeRevokedId(rawArgv);
  const { values, positionals } = parseFlags(taken.argv, adminFlags);
  if (taken.id !== undefined) positionals.splice(positionals.indexOf('revoke') + 1, 0, taken.id);
  if (values.help) {
    process.stdout.write(DEVICES_HELP);
    return 0;
  }
  const [action = 'list', id, ...extra] = positionals;
  const socket = adminSocketFrom(values);
  if (action === 'revoke' && id && extra.length === 0) {
    const result = await askAgent(socket, { cmd: 'revoke', id });
    process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : `Revoked ${id}.\n`);
    return 0;
  }
  if (action !== 'list' || id)
    throw new UsageError(`unknown devices command: ${positionals.join(' ')}`);
  const devices = (await askAgent(socket, { cmd: 'devices' })) as StoredDevice[];
  if (values.json) {
    process.stdout.write(`${JSON.stringify(devices)}\n`);
    return 0;
  }
  if (devices.length === 0) {
    process.stdout.write('No devices are paired. Run `immich-pi-agent pair` to pair one.\n');
    return 0;
  }
  const rows = devices.map((d) => [d.id, d.name, when(d.pairedAt), when(d.lastSeenAt)]);
  const table = [['ID', 'NAME', 'PAIRED (UTC)', 'LAST SEEN (UTC)'], ...rows];
  const widths = table[0]?.map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length))) ?? [];
  for (const row of table)
    process.stdout.write(
      `${row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd()}\n`,
    );
  return 0;
}
