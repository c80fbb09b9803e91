import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { acquireKdfLock, kdfLockAddress } from './kdf-lock.ts';

describe('acquireKdfLock', () => {
  it('lets one holder at a time have a lock name, and frees it on release', async () => {
    const name = `test-${randomUUID()}`;
    const first = await acquireKdfLock(name);
    expect(first).not.toBeNull();
    expect(await acquireKdfLock(name)).toBeNull();
    const other = await acquireKdfLock(`${name}-other`);
    expect(other).not.toBeNull();
    await first?.release();
    const again = await acquireKdfLock(name);
    expect(again).not.toBeNull();
    await Promise.all([again?.release(), other?.release()]);
  });

  it('lives in the abstract namespace: nothing on disk to go stale', () => {
    expect(kdfLockAddress('default')).toBe('\0immich-pi-kdf-default');
  });
});
