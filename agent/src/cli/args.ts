// Shared flag handling for the CLI: where the config is, and how to say what a command takes.
import { existsSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { ROLES, type Role } from '../../../shared/roles.ts';
import { ConfigError, loadConfig } from '../config.ts';

/** DEFAULT_CONFIG is where the NixOS module writes the agent's config. */
export const DEFAULT_CONFIG = '/etc/immich-pi-agent/config.json';

export class UsageError extends Error {
  override name = 'UsageError';
}

/** parseFlags parses argv for one command; unknown flags are a UsageError, not a crash. */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
) {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** adminSocketFrom finds the admin socket from --admin-socket, --config or the default config. */
export function adminSocketFrom(values: {
  config?: string | boolean;
  'admin-socket'?: string | boolean;
}): string {
  if (typeof values['admin-socket'] === 'string') return values['admin-socket'];
  const file =
    typeof values.config === 'string'
      ? values.config
      : existsSync(DEFAULT_CONFIG)
        ? DEFAULT_CONFIG
        : undefined;
  try {
    return loadConfig({ config: file }).adminSocket;
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

export const adminFlags = {
  config: { type: 'string' },
  'admin-socket': { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** parseRole reads a role word from the command line, or says which words it takes. */
export function parseRole(word: string): Role {
  const role = ROLES.find((r) => r === word);
  if (!role) throw new UsageError(`unknown role "${word}": use ${ROLES.join(' or ')}`);
  return role;
}
