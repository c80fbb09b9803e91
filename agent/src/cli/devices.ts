// `immich-pi-agent devices`: list paired devices, change one's role, or revoke one.
import { askAgent } from '../adapters/admin-socket.ts';
import type { StoredDevice } from '../services/devices.ts';
import { adminFlags, adminSocketFrom, parseFlags, parseRole, UsageError } from './args.ts';

export const DEVICES_HELP = `Usage: immich-pi-agent devices [list] [options]
       immich-pi-agent devices role ID|NAME admin|viewer [options]
       immich-pi-agent devices revoke ID [options]

Lists the paired devices and their roles, makes one an admin or a viewer, or revokes one (it is
refused from its very next request). An admin unlocks, locks, backs up and pairs; a viewer (for
family) sees status, backups and alerts. The last admin can be neither made a viewer nor revoked.

Options:
  --config FILE        the agent's config, to find its admin socket
  --admin-socket PATH  the admin socket itself
  --json               print JSON instead of a table
`;

const when = (ms: number | null | undefined) =>
  ms ? new Date(ms).toISOString().slice(0, 16).replace('T', ' ') : 'never';

const KEY_ID_SHAPE = /^[A-Za-z0-9_-]{22}$/;

/**
 * takeDeviceId takes the key id after "revoke" or "role" out of argv before flags are parsed: a
 * key id is base64url and may begin with "-", which would otherwise read as an unknown flag.
 */
function takeDeviceId(argv: string[]): { argv: string[]; id?: string; after?: string } {
  const at = argv.findIndex((word) => word === 'revoke' || word === 'role');
  const id = at < 0 ? undefined : argv[at + 1];
  if (id === undefined || !KEY_ID_SHAPE.test(id)) return { argv };
  return { argv: argv.toSpliced(at + 1, 1), id, after: argv[at] };
}

/** devicesCommand lists devices, changes a role or revokes a device through the running agent. */
export async function devicesCommand(rawArgv: string[]): Promise<number> {
  const taken = takeDeviceId(rawArgv);
  const { values, positionals } = parseFlags(taken.argv, adminFlags);
  if (taken.id !== undefined)
    positionals.splice(positionals.indexOf(taken.after ?? '') + 1, 0, taken.id);
  if (values.help) {
    process.stdout.write(DEVICES_HELP);
    return 0;
  }
  const [action = 'list', target, ...extra] = positionals;
  const socket = adminSocketFrom(values);
  const print = (json: unknown, text: string) =>
    process.stdout.write(values.json ? `${JSON.stringify(json)}\n` : text);
  if (action === 'revoke' && target && extra.length === 0) {
    const result = await askAgent(socket, { cmd: 'revoke', id: target });
    print(result, `Revoked ${target}.\n`);
    return 0;
  }
  if (action === 'role' && target && extra.length === 1) {
    const role = parseRole(extra[0] ?? '');
    const devices = (await askAgent(socket, { cmd: 'devices' })) as StoredDevice[];
    const found = findDevice(devices, target);
    if (typeof found === 'string') {
      process.stderr.write(`immich-pi-agent: ${found}\n`);
      return 1;
    }
    const device = (await askAgent(socket, { cmd: 'role', id: found.id, role })) as StoredDevice;
    print(device, `“${device.name}” is now ${role === 'admin' ? 'an admin' : 'a viewer'}.\n`);
    return 0;
  }
  if (action !== 'list' || target)
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
  printTable(devices);
  return 0;
}

/**
 * findDevice finds the device a person named by id or by name (exact, else ignoring case), or
 * answers why not: no such device, or a name several devices share.
 */
function findDevice(devices: StoredDevice[], target: string): StoredDevice | string {
  const byId = devices.find((d) => d.id === target);
  if (byId) return byId;
  const exact = devices.filter((d) => d.name === target);
  const named = exact.length > 0 ? exact : devices.filter((d) => sameName(d.name, target));
  if (named.length === 1 && named[0]) return named[0];
  return named.length === 0
    ? `no paired device has the id or name "${target}" (see \`immich-pi-agent devices\`)`
    : `${named.length} devices are called "${target}": name one by its id`;
}

const sameName = (a: string, b: string) =>
  a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;

function printTable(devices: StoredDevice[]): void {
  const rows = devices.map((d) => [d.id, d.name, d.role, when(d.pairedAt), when(d.lastSeenAt)]);
  const table = [['ID', 'NAME', 'ROLE', 'PAIRED (UTC)', 'LAST SEEN (UTC)'], ...rows];
  const widths = table[0]?.map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length))) ?? [];
  for (const row of table)
    process.stdout.write(
      `${row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd()}\n`,
    );
}
