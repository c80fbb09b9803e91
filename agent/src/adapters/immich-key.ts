// The Immich API key, read from a file on the encrypted drive after each unlock (ARCHITECTURE §16).
// The key never leaves this process but as Immich's x-api-key header: never logged, never copied.

export type ImmichKey =
  | { ok: true; key: string }
  | { ok: false; code: 'no-key' | 'key-unsafe'; message: string };

/**
 * readImmichKey reads the key file at `file`, which must lie on the drive mounted at
 * `mountPoint` (both host paths, the sandbox's root already applied).
 */
export async function readImmichKey(file: string, mountPoint: string): Promise<ImmichKey> {
  void file;
  void mountPoint;
  throw new Error('not built yet');
}
