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
    vi.doUnmock('./db.ts');
    vi.resetModules();
  });
  /** The app's IndexedDB store, in memory: kept across the "starts" of one test. */
  const database = () => {
    const items = new Map<string, unknown>();
    vi.doMock('./db.ts', () => ({
      dbGet: async (key: string) => structuredClone(items.get(key)),
      dbSet: async (key: string, value: unknown) => void items.set(key, structuredClone(value)),
    }));
    return items;
  };
  /** start loads the modules afresh, as a new page does, and reads what is kept as the store does. */
  const start = async () => {
    vi.resetModules();
    await (await import('./kept-shapes.ts')).loadDateShapes();
    return import('./clock.ts');
  };

  it('keeps what it learnt, and a later start writes from it without Intl', async () => {
    const kept = database();
    vi.stubGlobal('navigator', { languages: ['en-US'] });
    const ms = new Date(2026, 11, 7, 16, 5).getTime();
    const first = await start();
    const expected = new Intl.DateTimeFormat(undefined, first.TIME).format(ms);
    expect(first.formatDate(ms, first.TIME)).toBe(expected);
    await vi.waitFor(() => expect(kept.get('dateShapes')).toMatchObject({ languages: 'en-US' }));

    const Intl0 = globalThis.Intl;
    const created = vi.fn();
    vi.stubGlobal('Intl', {
      ...Intl0,
      DateTimeFormat: (...args: ConstructorParameters<typeof Intl.DateTimeFormat>) => {
        created();
        return new Intl0.DateTimeFormat(...args);
      },
    });
    const second = await start();
    expect(second.formatDate(ms, second.TIME)).toBe(expected);
    expect(created).not.toHaveBeenCalled();
  });

  it('learns again when the languages change or the kept value is not one it wrote', async () => {
    const kept = database();
    kept.set('dateShapes', { version: 1, languages: 'de-DE', shapes: { x: { parts: 1 } } });
    vi.stubGlobal('navigator', { languages: ['de-DE'] });
    const { formatDate } = await start();
    const ms = new Date(2026, 0, 3, 4, 5).getTime();
    const options = { month: 'short', day: 'numeric' } as const;
    expect(formatDate(ms, options)).toBe(new Intl.DateTimeFormat(undefined, options).format(ms));
    await vi.waitFor(() =>
      expect(kept.get('dateShapes')).toMatchObject({ shapes: { [JSON.stringify(options)]: {} } }),
    );
    expect((kept.get('dateShapes') as { shapes: object }).shapes).not.toHaveProperty('x');
  });

  it('clears what an earlier version kept in localStorage once it learns', async () => {
    database();
    const old = new Map([['date-shapes', '{}']]);
    vi.stubGlobal('localStorage', { removeItem: (key: string) => old.delete(key) });
    vi.stubGlobal('navigator', { languages: ['en-GB'] });
    const { formatDate, TIME } = await start();
    formatDate(Date.UTC(2026, 0, 3), TIME);
    expect([...old.keys()]).toEqual([]);
  });

  it('writes a pinned zone with Intl', async () => {
    const { formatDate, TIME } = await import('./clock.ts');
    const zone = { locale: 'en-US-u-hc-h23', timeZone: 'Europe/Berlin' };
    expect(formatDate(Date.UTC(2026, 11, 5, 6, 4), TIME, zone)).toBe('07:04');
  });
});
