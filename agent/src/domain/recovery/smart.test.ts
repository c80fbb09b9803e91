// smartctl's JSON and exit status read into DriveHealth, on our own fixtures (smart-fixtures/).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { grownCounts, growthDetail, nextBaseline } from './sector-growth.ts';
import {
  badSectorCounts,
  driveHealthFromSmart,
  SMART_EXIT_BITS,
  type SmartReading,
  UNSUPPORTED_WORDS,
} from './smart.ts';

const FIXTURES = join(import.meta.dirname, 'smart-fixtures');
const EXIT: Record<string, number> = JSON.parse(
  readFileSync(join(FIXTURES, 'exit-status.json'), 'utf8'),
);
const AT = Date.UTC(2026, 11, 4, 12);

function reading(name: string, exitStatus = EXIT[name] ?? 0): SmartReading {
  return { exitStatus, output: readFileSync(join(FIXTURES, name), 'utf8'), deviceType: 'sat' };
}
const health = (name: string, exitStatus?: number) =>
  driveHealthFromSmart(reading(name, exitStatus), AT);

describe('driveHealthFromSmart', () => {
  it('reads a healthy ATA disk: passed, hours, temperature, every count zero', () => {
    expect(health('healthy-ata.json')).toEqual({
      state: 'ok',
      readAt: AT,
      model: 'Example SSD 2TB',
      protocol: 'ata',
      passed: true,
      powerOnHours: 8123,
      temperatureC: 34,
      reallocatedSectors: 0,
      pendingSectors: 0,
      offlineUncorrectable: 0,
      reportedUncorrectable: 0,
      percentUsed: null,
      mediaErrors: null,
      problem: null,
    });
  });

  it('calls a failed self-assessment failing, with its counts', () => {
    const failing = health('failing-ata.json');
    expect(failing).toMatchObject({
      state: 'failing',
      passed: false,
      reallocatedSectors: 3400,
      pendingSectors: 96,
      offlineUncorrectable: 96,
      reportedUncorrectable: 12,
      powerOnHours: 41230,
    });
    expect(failing.problem).toMatch(/failing/);
  });

  it('takes exit bit 3 as failing even when the JSON says passed or is not JSON at all', () => {
    const bit3 = SMART_EXIT_BITS.diskFailing;
    expect(health('healthy-ata.json', bit3)).toMatchObject({ state: 'failing', passed: false });
    expect(health('garbage.txt', bit3)).toMatchObject({ state: 'failing', passed: false });
    expect(health('garbage.txt', 0)).toMatchObject({ state: 'unknown', passed: null });
  });

  it('warns on non-zero bad-sector counts, and on a pre-failure attribute at its threshold', () => {
    expect(health('growing-2.json')).toMatchObject({
      state: 'warning',
      problem: 'SMART counts 16 reallocated sectors, 2 pending sectors.',
    });
    expect(health('healthy-ata.json', SMART_EXIT_BITS.prefailAttribute)).toMatchObject({
      state: 'warning',
      problem: 'A SMART pre-failure attribute is at or below its threshold.',
    });
    // The error log (bit 6) alone is history, not a verdict.
    expect(health('healthy-ata.json', SMART_EXIT_BITS.errorLog).state).toBe('ok');
  });

  it("reads NVMe's health log: percentage used, media errors, no ATA counts", () => {
    expect(health('nvme.json')).toMatchObject({
      state: 'ok',
      protocol: 'nvme',
      model: 'Example NVMe 1TB',
      passed: true,
      powerOnHours: 5012,
      temperatureC: 41,
      percentUsed: 3,
      mediaErrors: 0,
      reallocatedSectors: null,
    });
  });

  it('says plainly that a USB adapter passes no SMART, as unsupported', () => {
    for (const name of ['no-smart-usb.json', 'unknown-bridge.json']) {
      expect(health(name)).toMatchObject({
        state: 'unsupported',
        passed: null,
        problem: UNSUPPORTED_WORDS,
      });
    }
  });

  it('answers unknown with a problem for odd JSON, never throwing', () => {
    for (const output of [
      '[]',
      'null',
      '{"smartctl": 5}',
      '{"ata_smart_attributes": {"table": 3}}',
    ]) {
      const odd = driveHealthFromSmart({ exitStatus: 0, output, deviceType: 'auto' }, AT);
      expect(odd.state).toBe('unknown');
      expect(odd.problem).toBeTruthy();
    }
    const opened = driveHealthFromSmart(
      {
        exitStatus: SMART_EXIT_BITS.deviceOpen,
        output: JSON.stringify({
          smartctl: {
            messages: [{ string: 'Smartctl open device: /dev/sda failed: No such device' }],
          },
        }),
        deviceType: 'auto',
      },
      AT,
    );
    expect(opened).toMatchObject({
      state: 'unknown',
      problem: expect.stringMatching(/^smartctl says: Smartctl open device/),
    });
  });

  it('keeps counts only when they are whole non-negative numbers', () => {
    const json = JSON.parse(reading('healthy-ata.json').output);
    json.ata_smart_attributes.table[1].raw.value = -1;
    json.power_on_time.hours = '8123';
    const odd = driveHealthFromSmart(
      { exitStatus: 0, output: JSON.stringify(json), deviceType: 'sat' },
      AT,
    );
    expect(odd).toMatchObject({ reallocatedSectors: null, powerOnHours: null, pendingSectors: 0 });
  });
});

describe('the growth rule', () => {
  const first = badSectorCounts(health('growing-1.json'));
  const second = badSectorCounts(health('growing-2.json'));

  it('names each count that grew between two readings, with its numbers', () => {
    const grown = grownCounts(first, second);
    expect(grown.map((g) => [g.key, g.before, g.now])).toEqual([
      ['reallocatedSectors', 8, 16],
      ['pendingSectors', 0, 2],
    ]);
    expect(growthDetail(grown)).toBe('Reallocated sectors 8 → 16, pending sectors 0 → 2');
  });

  it('sees no growth in the same reading, a fall, or a count no longer reported', () => {
    expect(grownCounts(second, second)).toEqual([]);
    expect(grownCounts(second, first)).toEqual([]);
    expect(grownCounts(second, { ...second, reallocatedSectors: null })).toEqual([]);
  });

  it('keeps a missed count in the next baseline, so a later read still compares with it', () => {
    const missed = { ...second, reallocatedSectors: null };
    expect(nextBaseline(second, missed).reallocatedSectors).toBe(16);
    expect(nextBaseline(null, missed).reallocatedSectors).toBeNull();
  });
});
