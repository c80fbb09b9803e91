// Quiet hours in zones east and west of UTC and on daylight-saving days, with pinned wall times.
import { describe, expect, it } from 'vitest';
import { inQuietHours, quietHoursEnd } from './quiet-hours.ts';

const NIGHT = { start: '22:00', end: '07:00' };
const at = (iso: string) => Date.parse(iso);

describe('inQuietHours', () => {
  it('spans midnight when end is before start, start included and end excluded', () => {
    expect(inQuietHours(NIGHT, 'UTC', at('2026-06-01T21:59:59Z'))).toBe(false);
    expect(inQuietHours(NIGHT, 'UTC', at('2026-06-01T22:00:00Z'))).toBe(true);
    expect(inQuietHours(NIGHT, 'UTC', at('2026-06-02T03:00:00Z'))).toBe(true);
    expect(inQuietHours(NIGHT, 'UTC', at('2026-06-02T06:59:59Z'))).toBe(true);
    expect(inQuietHours(NIGHT, 'UTC', at('2026-06-02T07:00:00Z'))).toBe(false);
  });

  it('handles a window within one day, none, and start equal to end', () => {
    const day = { start: '09:00', end: '17:30' };
    expect(inQuietHours(day, 'UTC', at('2026-06-01T08:59:00Z'))).toBe(false);
    expect(inQuietHours(day, 'UTC', at('2026-06-01T17:29:00Z'))).toBe(true);
    expect(inQuietHours(day, 'UTC', at('2026-06-01T22:00:00Z'))).toBe(false);
    expect(inQuietHours(null, 'UTC', at('2026-06-01T23:00:00Z'))).toBe(false);
    const same = { start: '22:00', end: '22:00' };
    expect(inQuietHours(same, 'UTC', at('2026-06-01T22:00:00Z'))).toBe(false);
    expect(quietHoursEnd(same, 'UTC', at('2026-06-01T22:00:00Z'))).toBeNull();
  });

  it('reads the clock in the phone’s zone, east and west of UTC', () => {
    // 13:30 UTC is 22:30 in Tokyo (UTC+9) and 06:30 in Los Angeles (UTC-7 in summer).
    const wall = at('2026-06-01T13:30:00Z');
    expect(inQuietHours(NIGHT, 'UTC', wall)).toBe(false);
    expect(inQuietHours(NIGHT, 'Asia/Tokyo', wall)).toBe(true);
    expect(inQuietHours(NIGHT, 'America/Los_Angeles', wall)).toBe(true);
    expect(inQuietHours(NIGHT, 'America/Los_Angeles', at('2026-06-01T14:00:00Z'))).toBe(false);
    expect(inQuietHours(NIGHT, 'Asia/Tokyo', at('2026-06-01T12:59:00Z'))).toBe(false);
  });

  it('follows daylight saving in Berlin', () => {
    // 2026-03-29: clocks go from 02:00 CET to 03:00 CEST; 06:30 CEST is 04:30 UTC.
    expect(inQuietHours(NIGHT, 'Europe/Berlin', at('2026-03-29T04:30:00Z'))).toBe(true);
    expect(inQuietHours(NIGHT, 'Europe/Berlin', at('2026-03-29T05:00:00Z'))).toBe(false);
    // 2026-10-25: clocks go from 03:00 CEST back to 02:00 CET; 07:00 CET is 06:00 UTC.
    expect(inQuietHours(NIGHT, 'Europe/Berlin', at('2026-10-25T05:30:00Z'))).toBe(true);
    expect(inQuietHours(NIGHT, 'Europe/Berlin', at('2026-10-25T06:00:00Z'))).toBe(false);
  });

  it('falls back to UTC for an unknown or malformed zone instead of throwing', () => {
    expect(inQuietHours(NIGHT, 'Mars/Olympus_Mons', at('2026-06-01T23:00:00Z'))).toBe(true);
    expect(inQuietHours(NIGHT, 'not a zone!', at('2026-06-01T12:00:00Z'))).toBe(false);
    expect(quietHoursEnd(NIGHT, 'Mars/Olympus_Mons', at('2026-06-01T23:00:00Z'))).toBe(
      at('2026-06-02T07:00:00Z'),
    );
  });
});

describe('quietHoursEnd', () => {
  it('answers null outside quiet hours, else the next end, today or tomorrow', () => {
    expect(quietHoursEnd(NIGHT, 'UTC', at('2026-06-01T12:00:00Z'))).toBeNull();
    expect(quietHoursEnd(NIGHT, 'UTC', at('2026-06-01T23:15:30Z'))).toBe(
      at('2026-06-02T07:00:00Z'),
    );
    expect(quietHoursEnd(NIGHT, 'UTC', at('2026-06-02T03:00:00Z'))).toBe(
      at('2026-06-02T07:00:00Z'),
    );
  });

  it('ends at 07:00 local in Tokyo and Los Angeles', () => {
    expect(quietHoursEnd(NIGHT, 'Asia/Tokyo', at('2026-06-01T13:30:00Z'))).toBe(
      at('2026-06-01T22:00:00Z'),
    );
    expect(quietHoursEnd(NIGHT, 'America/Los_Angeles', at('2026-06-01T05:30:00Z'))).toBe(
      at('2026-06-01T14:00:00Z'),
    );
    // The night Los Angeles springs forward (2026-03-08 02:00 PST → 03:00 PDT): 07:00 PDT.
    expect(quietHoursEnd(NIGHT, 'America/Los_Angeles', at('2026-03-08T07:00:00Z'))).toBe(
      at('2026-03-08T14:00:00Z'),
    );
  });

  it('ends at 07:00 local across Berlin’s daylight-saving nights', () => {
    // 23:00 CET on 03-28 → 07:00 CEST on 03-29, only 7 hours later.
    expect(quietHoursEnd(NIGHT, 'Europe/Berlin', at('2026-03-28T22:00:00Z'))).toBe(
      at('2026-03-29T05:00:00Z'),
    );
    // 23:00 CEST on 10-24 → 07:00 CET on 10-25, 9 hours later.
    expect(quietHoursEnd(NIGHT, 'Europe/Berlin', at('2026-10-24T21:00:00Z'))).toBe(
      at('2026-10-25T06:00:00Z'),
    );
  });

  it('ends at the jump when the end time is skipped, and at its first pass when repeated', () => {
    const early = { start: '01:00', end: '02:30' };
    // 01:30 CET; 02:30 does not exist on 03-29: quiet ends when 02:00 CET becomes 03:00 CEST.
    expect(quietHoursEnd(early, 'Europe/Berlin', at('2026-03-29T00:30:00Z'))).toBe(
      at('2026-03-29T01:00:00Z'),
    );
    // 02:30 happens twice on 10-25: first at 00:30 UTC (CEST), again at 01:30 UTC (CET).
    const late = { start: '00:00', end: '02:30' };
    expect(quietHoursEnd(late, 'Europe/Berlin', at('2026-10-24T22:30:00Z'))).toBe(
      at('2026-10-25T00:30:00Z'),
    );
    expect(quietHoursEnd(late, 'Europe/Berlin', at('2026-10-25T01:10:00Z'))).toBe(
      at('2026-10-25T01:30:00Z'),
    );
  });
});
