// The systemd mount unit of a mount point, named as `systemd-escape --path --suffix=mount` names it,
// because the mount goes through systemd (ARCHITECTURE §7), never through `mount` itself.

/** Bytes systemd leaves as they are in a unit name; everything else becomes \xNN. */
const PLAIN = /^[A-Za-z0-9:_.]$/;

/**
 * escapeSystemdPath escapes an absolute path as `systemd-escape --path` does: duplicate and outer
 * slashes and "." components dropped, "/" becomes "-", a leading "." and every other byte outside
 * [A-Za-z0-9:_.] becomes \xNN (UTF-8 bytes, lower-case hex); the root is "-". It refuses ".."
 * (systemd does too) and relative paths (systemd only warns; a mount point is never relative).
 */
export function escapeSystemdPath(path: string): string {
  if (!path.startsWith('/')) throw new TypeError('a mount point must be an absolute path');
  const parts = path.split('/').filter((part) => part.length > 0 && part !== '.');
  if (parts.includes('..')) throw new TypeError('a mount point must not contain ".."');
  if (parts.length === 0) return '-';
  let escaped = '';
  for (const [index, char] of [...parts.join('/')].entries()) {
    if (char === '/') escaped += '-';
    else if (PLAIN.test(char) && !(index === 0 && char === '.')) escaped += char;
    else escaped += hexEscape(char);
  }
  return escaped;
}

/** mountUnitFor names the mount unit of an absolute mount point: /mnt/immich_drive → mnt-immich_drive.mount. */
export function mountUnitFor(mountPoint: string): string {
  return `${escapeSystemdPath(mountPoint)}.mount`;
}

function hexEscape(char: string): string {
  return [...new TextEncoder().encode(char)]
    .map((byte) => `\\x${byte.toString(16).padStart(2, '0')}`)
    .join('');
}
