import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';

const OPTIONS: Intl.DateTimeFormatOptions[] = [
  { hour: '2-digit', minute: '2-digit' },
  { dateStyle: 'medium', timeStyle: 'short' },
  { weekday: 'short', hour: '2-digit', minute: '2-digit' },
  { month: 'short', day: 'numeric' },
  { month: 'short', day: 'numeric', year: 'numeric' },
  { dateStyle: 'medium' },
];
const LOCALES = ['en-US', 'en-GB', 'de-DE', 'fr-FR', 'ja-JP', 'ko-KR', 'pt-BR', 'ru-RU', 'nl-NL'];
// Moments from 2000 to 2099, in this process's zone.
const moment = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) });

describe('learnShape', () => {
  it('writes every moment exactly as Intl does, in locales with Latin digits', async () => {
    const { learnShape, writeShape } = await import('./clock.ts');
    for (const locale of LOCALES) {
      for (const options of OPTIONS) {
        const shape = learnShape(locale, options);
        if (shape === null) throw new Error(`no shape for ${locale} ${JSON.stringify(options)}`);
        const intl = new Intl.DateTimeFormat(locale, options);
        fc.assert(
          fc.property(moment, (ms) => writeShape(shape, new Date(ms)) === intl.format(ms)),
          { numRuns: 200 },
        );
      }
    }
  });

  it('leaves to Intl a locale with other digits or another calendar', async () => {
    const { learnShape } = await import('./clock.ts');
    expect(learnShape('ar-EG', { hour: '2-digit', minute: '2-digit' })).toBeNull();
    expect(learnShape('ja-JP-u-ca-japanese', { dateStyle: 'medium' })).toBeNull();
  });
});

describe('formatDate', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });
  const storage = () => {
    const items = new Map<string, string>();
    return {
      items,
      getItem: (key: string) => items.get(key) ?? null,
      setItem: (key: string, value: string) => void items.set(key, value),
    };
  };

  it('keeps what it learnt, and a later start writes from it without Intl', async () => {
    const kept = storage();
    vi.stubGlobal('localStorage', kept);
    vi.stubGlobal('navigator', { languages: ['en-US'] });
    const ms = new Date(2026, 11, 7, 16, 5).getTime();
    const first = await import('./clock.ts');
    const expected = new Intl.DateTimeFormat(undefined, first.TIME).format(ms);
    expect(first.formatDate(ms, first.TIME)).toBe(expected);
    expect(kept.items.get('date-shapes')).toContain('"languages":"en-US"');

    vi.resetModules();
    const Intl0 = globalThis.Intl;
    const created = vi.fn();
    vi.stubGlobal('Intl', {
      ...Intl0,
      DateTimeFormat: (...args: ConstructorParameters<typeof Intl.DateTimeFormat>) => {
        created();
        return new Intl0.DateTimeFormat(...args);
      },
    });
    const second = await import('./clock.ts');
    expect(second.formatDate(ms, second.TIME)).toBe(expected);
    expect(created).not.toHaveBeenCalled();
  });

  it('learns again when the languages change or the kept value is not one it wrote', async () => {
    const kept = storage();
    kept.items.set('date-shapes', '{"version":1,"languages":"de-DE","shapes":{"x":{"parts":1}}}');
    vi.stubGlobal('localStorage', kept);
    vi.stubGlobal('navigator', { languages: ['de-DE'] });
    const { formatDate } = await import('./clock.ts');
    const ms = new Date(2026, 0, 3, 4, 5).getTime();
    const options = { month: 'short', day: 'numeric' } as const;
    expect(formatDate(ms, options)).toBe(new Intl.DateTimeFormat(undefined, options).format(ms));
    expect(JSON.parse(kept.items.get('date-shapes') ?? '{}').shapes.x).toBeUndefined();
  });

  it('writes a pinned zone with Intl', async () => {
    const { formatDate, TIME } = await import('./clock.ts');
    const zone = { locale: 'en-US-u-hc-h23', timeZone: 'Europe/Berlin' };
    expect(formatDate(Date.UTC(2026, 11, 5, 6, 4), TIME, zone)).toBe('07:04');
  });
});
