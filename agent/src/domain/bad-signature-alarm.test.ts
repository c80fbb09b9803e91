// The bad-signature alarm: a burst sounds it once, stray failures and a phone's own mishaps never do.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../../shared/errors.ts';
import { BadSignatureAlarm } from './bad-signature-alarm.ts';

function setup() {
  const clock = { now: 0 };
  const alarm = new BadSignatureAlarm({
    count: 30,
    windowSeconds: 60,
    quietSeconds: 3600,
    monotonic: () => clock.now,
  });
  return { clock, alarm };
}

describe('BadSignatureAlarm', () => {
  it('sounds once for a flood of forged requests, and again only an hour later', () => {
    const { clock, alarm } = setup();
    const sounded: number[] = [];
    // Two and a half hours of 20 forged requests a second.
    for (let i = 0; i < 180_000; i++) {
      if (alarm.note(i % 2 ? 'unknown-key' : 'signature-invalid')) sounded.push(clock.now);
      clock.now += 50;
    }
    // The 31st refusal sounds it, then once per hour while the flood goes on.
    expect(sounded).toEqual([30 * 50, 30 * 50 + 3600_000, 30 * 50 + 7200_000]);
  });

  it('never sounds for failures slower than count per window', () => {
    const { clock, alarm } = setup();
    for (let i = 0; i < 1000; i++) {
      expect(alarm.note('signature-invalid')).toBe(false);
      clock.now += 2_100; // 28.6 a minute
    }
  });

  it('ignores what paired phones cause in normal use', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom<ErrorCode>(
            'clock-skew',
            'created-before-start',
            'device-revoked',
            'rate-limited',
            'replay-cache-full',
          ),
          { minLength: 100, maxLength: 500 },
        ),
        (codes) => {
          const { alarm } = setup();
          for (const code of codes) expect(alarm.note(code)).toBe(false);
        },
      ),
    );
  });
});
