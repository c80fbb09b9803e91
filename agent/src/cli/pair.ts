// `immich-pi-agent pair`: a one-time code, the link that pairs with it and the agent's fingerprint.
import qrcode from 'qrcode-terminal';
import { ROLE_WORDS } from '../../../shared/roles.ts';
import { askAgent } from '../adapters/admin-socket.ts';
import type { PairingCodeForCli } from '../services/admin.ts';
import { adminFlags, adminSocketFrom, parseFlags, parseRole } from './args.ts';

export const PAIR_HELP = `Usage: immich-pi-agent pair [--name NAME] [--role admin|viewer] [options]

Makes a single-use pairing code (valid 10 minutes) for a new phone, and shows the app's URL,
the agent's key fingerprint (the app shows it too: they must match) and a QR code of the URL,
which opens the app's pair screen with the code filled in.

Options:
  --name NAME          what the new device will be called
  --role ROLE          admin (the default) or viewer (${ROLE_WORDS.viewer.can});
                       the first device paired is an admin whatever the code says
  --config FILE        the agent's config, to find its admin socket
  --admin-socket PATH  the admin socket itself
  --json               print one JSON line instead
`;

/** pairCommand asks the running agent for a pairing code and prints it for a person. */
export async function pairCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, {
    ...adminFlags,
    name: { type: 'string' },
    role: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(PAIR_HELP);
    return 0;
  }
  const role = parseRole(values.role ?? 'admin');
  const request = {
    cmd: 'pair' as const,
    role,
    ...(values.name === undefined ? {} : { name: values.name }),
  };
  const minted = (await askAgent(adminSocketFrom(values), request)) as PairingCodeForCli;
  if (values.json) {
    process.stdout.write(`${JSON.stringify(minted)}\n`);
    return 0;
  }
  const until = new Date(minted.expiresAt).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
  });
  process.stdout.write(
    [
      `Pairing code:  ${minted.code}   (single use, valid until ${until})`,
      `Role:          ${minted.role} (${ROLE_WORDS[minted.role].can})`,
      `Open:          ${minted.link}`,
      `Agent key:     ${minted.fingerprint}   (the app shows this too: they must match)`,
      '',
    ].join('\n'),
  );
  qrcode.generate(minted.link, { small: true }, (qr) => process.stdout.write(`${qr}\n`));
  return 0;
}
