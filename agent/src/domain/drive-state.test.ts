// Every row of the probe-to-state table, including the states a USB drop leaves behind.
import { describe, expect, it } from 'vitest';
import { type DriveProbe, driveStateFromProbe } from './drive-state.ts';

const closed: DriveProbe = {
  devicePresent: true,
  mapperOpen: false,
  slavesPresent: false,
  mounted: false,
  readOnly: false,
};
const running: DriveProbe = {
  devicePresent: true,
  mapperOpen: true,
  slavesPresent: true,
  mounted: true,
  readOnly: false,
};

describe('driveStateFromProbe', () => {
  it.each<[string, Partial<DriveProbe>, string]>([
    ['device present, mapper closed', {}, 'locked'],
    ['no device and no mapper', { devicePresent: false }, 'missing'],
  ])('%s', (_, change, state) => {
    expect(driveStateFromProbe({ ...closed, ...change })).toBe(state);
  });

  it.each<[string, Partial<DriveProbe>, string]>([
    ['mapper open, slaves present, mounted read-write', {}, 'running'],
    [
      'mapper open, mounted, by-UUID link gone but slaves still there',
      { devicePresent: false },
      'running',
    ],
    ['mapper open, not mounted', { mounted: false }, 'degraded'],
    [
      'mapper and mount left behind after a USB drop',
      { devicePresent: false, slavesPresent: false },
      'missing',
    ],
    ['mapper open, slaves gone, not mounted', { slavesPresent: false, mounted: false }, 'missing'],
    ['mounted but remounted read-only after I/O errors', { readOnly: true }, 'missing'],
  ])('%s', (_, change, state) => {
    expect(driveStateFromProbe({ ...running, ...change })).toBe(state);
  });
});
