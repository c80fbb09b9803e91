import { describe, expect, it } from 'vitest';
import { defaultDeviceName, isIos, mustInstallBeforePairing } from './platform.ts';

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const IPAD_DESKTOP_MODE =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';
const PIXEL =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36';

describe('platform', () => {
  it('finds iOS, including an iPad that says it is a Mac', () => {
    expect(isIos(IPHONE, 5)).toBe(true);
    expect(isIos(IPAD_DESKTOP_MODE, 5)).toBe(true);
    expect(isIos(IPAD_DESKTOP_MODE, 0)).toBe(false);
    expect(isIos(PIXEL, 5)).toBe(false);
  });

  it('suggests a device name people recognise', () => {
    expect(defaultDeviceName(IPHONE)).toBe('iPhone');
    expect(defaultDeviceName(IPAD_DESKTOP_MODE, 5)).toBe('iPad');
    expect(defaultDeviceName(IPAD_DESKTOP_MODE, 0)).toBe('Mac');
    expect(defaultDeviceName(PIXEL)).toBe('Android phone');
    expect(defaultDeviceName('curl/8')).toBe('My device');
  });

  it('refuses pairing in iOS Safari but not in the installed app or elsewhere', () => {
    expect(mustInstallBeforePairing({ standalone: false } as unknown as Navigator)).toBe(true);
    expect(mustInstallBeforePairing({ standalone: true } as unknown as Navigator)).toBe(false);
    expect(mustInstallBeforePairing({} as Navigator)).toBe(false);
  });
});
