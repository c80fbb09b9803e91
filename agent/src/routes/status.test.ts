import { describe, expect, it } from 'vitest';
import { immichWebUrlFor } from './status.ts';

describe('immichWebUrlFor', () => {
  it('opens Immich on the Pi’s tailnet name, on Immich’s port, over http as the seed serves it', () => {
    expect(immichWebUrlFor('https://pi.tail1234.ts.net/', 'http://127.0.0.1:2283')).toBe(
      'http://pi.tail1234.ts.net:2283/',
    );
    expect(immichWebUrlFor('http://localhost:8497/', 'http://127.0.0.1:40123')).toBe(
      'http://localhost:40123/',
    );
    expect(immichWebUrlFor('https://[fd7a:115c::1]/', 'http://127.0.0.1:2283')).toBe(
      'http://[fd7a:115c::1]:2283/',
    );
  });

  it('knows no address while the public URL is the unset placeholder', () => {
    expect(immichWebUrlFor('https://immich-pi.invalid/', 'http://127.0.0.1:2283')).toBeNull();
  });
});
