// The real clock: monotonic time moves forward and the synced flag follows timesyncd's file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from './clock.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function flagPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'clock-'));
  dirs.push(dir);
  return join(dir, 'synchronized');
}

describe('systemClock', () => {
  it('gives wall time near Date.now and a monotonic time that does not go back', async () => {
    const clock = systemClock(flagPath());
    expect(Math.abs(clock.wall() - Date.now())).toBeLessThan(1000);
    const first = clock.monotonic();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(clock.monotonic() - first).toBeGreaterThanOrEqual(15);
  });

  it('is synced once the flag file exists, looking again only after the cache time', async () => {
    const flag = flagPath();
    const clock = systemClock(flag, 50);
    expect(clock.synced()).toBe(false);
    writeFileSync(flag, '');
    expect(clock.synced()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(clock.synced()).toBe(true);
  });

  it('caches the answer for five seconds by default', () => {
    const flag = flagPath();
    writeFileSync(flag, '');
    const clock = systemClock(flag);
    expect(clock.synced()).toBe(true);
    rmSync(flag);
    expect(clock.synced()).toBe(true);
  });
});
