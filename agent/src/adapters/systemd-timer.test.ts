// The backup timer's next and last run as `systemctl show --timestamp=unix` prints them.
import { describe, expect, it } from 'vitest';
import { parseTimerShow, timerShowArgv } from './systemd-timer.ts';

describe('timerShowArgv', () => {
  it('asks for both times in unix seconds, for the one timer', () => {
    expect(timerShowArgv('/run/current-system/sw/bin/systemctl', 'immich-backup.timer')).toEqual([
      '/run/current-system/sw/bin/systemctl',
      'show',
      '--timestamp=unix',
      '-p',
      'NextElapseUSecRealtime',
      '-p',
      'LastTriggerUSec',
      'immich-backup.timer',
    ]);
  });
});

describe('parseTimerShow', () => {
  it('reads both times in ms, whatever the order of the lines', () => {
    const stdout = 'LastTriggerUSec=@1763953200\nNextElapseUSecRealtime=@1764039600\n';
    expect(parseTimerShow(stdout)).toEqual({
      nextAt: 1_764_039_600_000,
      lastTriggerAt: 1_763_953_200_000,
    });
  });

  it.each([
    ['n/a', 'n/a'],
    ['empty', ''],
    ['zero', '0'],
    ['@0', '@0'],
    ['a local time', 'Tue 2025-11-25 03:00:00 CET'],
    ['a negative number', '@-5'],
    ['microseconds without @', '1764039600000000'],
    ['junk after the number', '@1764039600 CET'],
  ])('reads %s as null', (_, value) => {
    expect(parseTimerShow(`NextElapseUSecRealtime=${value}\nLastTriggerUSec=${value}\n`)).toEqual({
      nextAt: null,
      lastTriggerAt: null,
    });
  });

  it('reads missing lines and no output as null, and keeps a fraction to the ms', () => {
    expect(parseTimerShow('')).toEqual({ nextAt: null, lastTriggerAt: null });
    expect(parseTimerShow('NextElapseUSecRealtime=@1764039600.25\r\n')).toEqual({
      nextAt: 1_764_039_600_250,
      lastTriggerAt: null,
    });
  });
});
