// `rustic snapshots --json` in its three shapes, odd entries, bad output and a big repository.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSnapshots, parseSnapshotTime } from './snapshots.ts';

// The fixtures are constructed from rustic's serde structs (rustic_core SnapshotFile and
// SnapshotSummary, v0.9-v0.11), not captured from a running rustic; see fixtures/README.md.
const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/${name}.constructed.json`, import.meta.url), 'utf8');

function okSnapshots(stdout: string) {
  const listing = parseSnapshots(stdout);
  if (!listing.ok) throw new Error(`expected a listing, got: ${listing.error}`);
  return listing.snapshots;
}
const shortIds = (stdout: string) => okSnapshots(stdout).map((s) => s.id.slice(0, 8));

describe('parseSnapshots, the three shapes', () => {
  it('reads the 0.10+ grouped shape, maps the summary and orders all groups oldest first', () => {
    const snapshots = okSnapshots(fixture('snapshots-grouped'));
    expect(snapshots.map((s) => s.id.slice(0, 8))).toEqual([
      '76bf9ab2',
      '9057777d',
      'b099d870', // the other group, at 15:30 -02:30 on the 2nd
      '410795d2',
    ]);
    expect(snapshots[0]).toEqual({
      id: '76bf9ab234e905523dd68d924a7b796ddd0c83e7eb01d99eab5b8642744383e3',
      time: '2027-03-01T03:00:04.503112907+01:00',
      timeMs: Date.UTC(2027, 2, 1, 2, 0, 4, 503),
      filesNew: 12,
      filesChanged: 0,
      filesProcessed: 84210,
      bytesAdded: 61440000,
      bytesProcessed: 287000000000,
      paths: ['/mnt/immich_drive/immich_data'],
    });
    expect(snapshots.map((s) => s.timeMs)).toEqual([
      Date.UTC(2027, 2, 1, 2, 0, 4, 503),
      Date.UTC(2027, 2, 2, 2, 0, 5, 0),
      Date.UTC(2027, 2, 2, 18, 0, 0, 250),
      Date.UTC(2027, 2, 3, 2, 0, 3, 900),
    ]);
  });

  it('reads the flat shape of --group-by and cuts nine fraction digits to ms without rounding', () => {
    const snapshots = okSnapshots(fixture('snapshots-flat'));
    expect(snapshots.map((s) => s.id.slice(0, 8))).toEqual(['2672d4e6', '5792952c', '030cd5f9']);
    expect(snapshots[0]?.timeMs).toBe(Date.UTC(2027, 3, 9, 2, 15, 0, 999));
    expect(snapshots[2]).toMatchObject({ timeMs: Date.UTC(2027, 3, 11, 2, 15), filesNew: 95 });
  });

  it("reads 0.9's [group_key, snapshots] tuples", () => {
    expect(shortIds(fixture('snapshots-v0.9-tuple'))).toEqual(['58b2246d', '4f309f5f', 'b355988f']);
  });

  it('reads an empty list, with the blank lines around it, as no snapshots', () => {
    expect(parseSnapshots('\n[]\n')).toEqual({ ok: true, snapshots: [] });
  });
});

describe('parseSnapshots, odd entries', () => {
  const snapshots = okSnapshots(fixture('snapshots-odd-entries'));
  const byId = (prefix: string) => snapshots.find((s) => s.id.startsWith(prefix));

  it('skips entries without a string id, keeps each id once and puts unknown times last', () => {
    expect(snapshots.map((s) => s.id.slice(0, 8))).toEqual([
      '34e8ff6b',
      'ee4a3060',
      'ada63627',
      '1abb9cb9', // "yesterday, around three": kept, with no timeMs
      'd00dfeed', // no time at all
    ]);
    // The first listing of a snapshot wins over its copy in a later group.
    expect(byId('34e8')).toMatchObject({ filesNew: 5, filesChanged: 1, filesProcessed: 91000 });
  });

  it('reads a time with a [zone] suffix and keeps an unreadable one as written', () => {
    expect(byId('ee4a')).toMatchObject({
      time: '2027-05-02T03:00:00.75+02:00[Europe/Berlin]',
      timeMs: Date.UTC(2027, 4, 2, 1, 0, 0, 750),
    });
    expect(byId('1abb')).toMatchObject({ time: 'yesterday, around three', timeMs: null });
    expect(byId('d00d')).toMatchObject({ time: '', timeMs: null });
  });

  it('gives null for a missing summary and for counts that are not finite non-negative numbers', () => {
    const none = {
      filesNew: null,
      filesChanged: null,
      filesProcessed: null,
      bytesAdded: null,
      bytesProcessed: null,
    };
    expect(byId('ee4a')).toMatchObject(none);
    expect(byId('d00d')).toMatchObject(none); // summary is a string
    // "41", -2, null and 1e999 (Infinity once parsed) are dropped; 1024 stays.
    expect(byId('ada6')).toMatchObject({ ...none, bytesProcessed: 1024 });
  });
});

describe('parseSnapshots, output that is not a listing', () => {
  it.each([
    ['nothing', '', 'rustic printed no JSON'],
    ['a log line', '[ERROR] repository /srv/photos-backup not found', 'rustic printed no JSON'],
    ['an object', '{"snapshots": []}', 'the snapshot list is not in a shape we know'],
    ['a number', '42', 'the snapshot list is not in a shape we know'],
    ['a string', '"/srv/photos-backup"', 'the snapshot list is not in a shape we know'],
    ['null', 'null', 'the snapshot list is not in a shape we know'],
    ['an array of numbers', '[1, 2, 3]', 'the snapshot list is not in a shape we know'],
    ['an array of pairs', '[[1, [2]]]', 'the snapshot list is not in a shape we know'],
  ])('answers a plain reason for %s', (_, stdout, error) => {
    expect(parseSnapshots(stdout)).toEqual({ ok: false, error });
  });

  it('says a cut-off listing is cut off, without repeating any of it', () => {
    const text = fixture('snapshots-grouped');
    const listing = parseSnapshots(text.slice(0, Math.floor(text.length / 2)));
    expect(listing).toEqual({
      ok: false,
      error: 'the snapshot list rustic printed is cut off or malformed',
    });
  });

  it('never throws and never echoes the output, whatever JSON or text it is given', () => {
    const marker = '/mnt/secret-path';
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.string(),
        ),
        (body) => {
          const listing = parseSnapshots(`${body}${marker}`);
          expect(listing.ok).toBe(false);
          if (!listing.ok) expect(listing.error).not.toContain(marker);
          expect(typeof parseSnapshots(body).ok).toBe('boolean');
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('parseSnapshots, a big repository', () => {
  it('reads 5,000 snapshots in shuffled groups quickly, oldest first and without duplicates', () => {
    const start = Date.UTC(2020, 0, 1);
    const snapshot = (i: number) => ({
      time: new Date(start + i * 3_600_000).toISOString().replace('.000Z', '.123456789+00:00'),
      tree: 'ab'.repeat(32),
      paths: ['/mnt/immich_drive/immich_data'],
      summary: { files_new: i, total_files_processed: 100_000 + i, data_added: i * 10 },
      id: i.toString(16).padStart(64, '0'),
    });
    // Every index once, in a scrambled order (7919 is prime, so i*7919 mod 5000 is a permutation).
    const order = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 5000);
    const groups = [0, 1, 2, 3, 4].map((g) => ({
      group_key: { hostname: `host-${g}`, label: '', paths: [] },
      snapshots: order.filter((i) => i % 5 === g).map(snapshot),
    }));
    groups[4]?.snapshots.push(snapshot(17)); // a duplicate
    const stdout = JSON.stringify(groups);

    const began = performance.now();
    const snapshots = okSnapshots(stdout);
    const took = performance.now() - began;
    expect(snapshots).toHaveLength(5000);
    expect(snapshots.every((s, i) => s.timeMs === start + i * 3_600_000 + 123)).toBe(true);
    expect(snapshots[4999]).toMatchObject({ filesNew: 4999, filesProcessed: 104999 });
    expect(took).toBeLessThan(1000);
  });
});

describe('parseSnapshotTime', () => {
  it.each<[string, number]>([
    ['2027-03-01T03:00:04.503112907+01:00', Date.UTC(2027, 2, 1, 2, 0, 4, 503)],
    ['2027-03-01T03:00:04+01:00', Date.UTC(2027, 2, 1, 2, 0, 4)],
    ['2027-03-01t02:00:04.1z', Date.UTC(2027, 2, 1, 2, 0, 4, 100)],
    ['2027-03-01 02:00:04Z', Date.UTC(2027, 2, 1, 2, 0, 4)],
    ['2027-12-31T23:30:00-01:00', Date.UTC(2028, 0, 1, 0, 30)],
    ['2028-02-29T00:00:00Z', Date.UTC(2028, 1, 29)],
    ['2027-06-30T23:59:60Z', Date.UTC(2027, 6, 1)], // a leap second rolls over
    ['0050-01-01T00:00:00Z', -60589296000000], // year 50, not 1950
  ])('reads %s', (text, ms) => {
    expect(parseSnapshotTime(text)).toBe(ms);
  });

  it.each([
    '2027-03-01T03:00:04',
    '2027-03-01T03:00:04.1234567891Z',
    '2027-13-01T00:00:00Z',
    '2027-02-29T00:00:00Z',
    '2027-03-01T24:00:00Z',
    '2027-03-01T03:00:04+01',
    ' 2027-03-01T03:00:04Z',
    '',
  ])('refuses %j', (text) => {
    expect(parseSnapshotTime(text)).toBeNull();
  });
});
