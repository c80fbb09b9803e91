// The generators of the agent fuzz test: methods, paths, headers and bodies, bad in every way
// node:http can still put on the wire, and the specs of valid signed requests to break.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { ROUTES } from '../../shared/api.ts';

/** RawRequest is one request as it goes on the wire (header values are latin1 bytes). */
export interface RawRequest {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body?: Buffer | undefined;
  chunked?: boolean;
  /** How many times to send it in a row (a replay). */
  times?: number;
}

// ---- What goes on the wire ---------------------------------------------------------------------
/** wire turns text into the latin1 string whose bytes are its UTF-8, as node:http sends it. */
export const wire = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
/** words splits a list written as one string. */
export const words = (text: string) => text.trim().split(/\s+/);
/** b64 is `bytes` random bytes as base64url. */
export const b64 = (bytes: number) => randomBytes(bytes).toString('base64url');
const char = (min: number, max: number) =>
  fc.integer({ min, max }).map((c) => String.fromCharCode(c));
// node:http refuses to send anything else in a path or a header value.
const pathText = (maxLength: number) => fc.string({ unit: char(0x21, 0xff), maxLength });
const headerText = (maxLength: number) =>
  fc.string({ unit: fc.oneof(char(0x20, 0x7e), char(0x80, 0xff), fc.constant('\t')), maxLength });
const repeated = (unit: string, min: number, max: number) =>
  fc.integer({ min, max }).map((n) => unit.repeat(n));
/** pickFrom chooses from a list by a generated number. */
export const pickFrom = <T>(list: readonly T[], pick: number) => list[pick % list.length] as T;

const ROUTE_PATHS = words(`/ /api/v1/hello /api/v1/pair /api/v1/status /api/v1/devices /api/v1/audit
  /api/v1/devices/pairing-codes /api/v1/devices/AAAAAAAAAAAAAAAAAAAAAA /api/v1/nope /api/v2/status
  /api /index.html /sw.js /manifest.webmanifest /assets/ /assets/x.js /pair /api/v1/unlock
  /api/v1/unlock/key /api/v1/lock /api/v1/operations/x /api/v1/operations/`);
const ODD_PIECES = [
  ...words('.. %2e%2e %2E%2E%2F %00 % %zz %C3%28 %ED%A0%80 %F0%9F%98%80 %FF // /./ \\ ; %2F ~'),
  ...['\xe9', wire('ünï\u202ecødé'), wire('😀'), wire('\u200b')],
];
const QUERIES = words(`limit=abc limit=0 limit=201 limit=-1 limit=1.5 before=%zz limit=50&limit=2
  %zz=1 before=99999999999999999999 limit =&=& before=-1 limit=%00 limit=3`);
export const CONTENT_TYPES = [
  ...words('application/json APPLICATION/JSON text/plain application/jsonx ; application/json;x'),
  ...['application/json; charset=utf-8', 'multipart/form-data; boundary=x', '', wire('a/b; q=ü')],
];
export const METHODS = words('GET POST PUT PATCH DELETE HEAD OPTIONS TRACE PROPFIND FOO');

const path = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...ROUTE_PATHS),
        fc.array(fc.oneof(fc.constantFrom(...ODD_PIECES), pathText(12)), { maxLength: 4 }),
        fc.constantFrom('/', ''),
        fc.option(fc.oneof(fc.constantFrom(...QUERIES), pathText(40)), { freq: 2 }),
      )
      .map(([base, pieces, sep, query]) =>
        [base, pieces.length ? sep : '', pieces.join(sep), query === null ? '' : `?${query}`].join(
          '',
        ),
      ),
  },
  { weight: 1, arbitrary: repeated('a', 2_000, 20_000).map((long) => `/api/v1/${long}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('*', 'http://evil.example/api/v1/status', 'api/v1/hello'),
  },
);
const sigInput = fc.oneof(
  headerText(200),
  fc
    .tuple(
      fc.constantFrom('sig1', 'sig', '1x', ''),
      fc.subarray(words('"@method" "@path" "@query" "content-digest" "@authority" "@method" x')),
      fc.array(
        fc.tuple(
          fc.constantFrom(...words('created nonce keyid alg tag expires x')),
          fc.oneof(fc.integer(), fc.constantFrom('"ed25519"', `"${b64(16)}"`), headerText(30)),
        ),
        { maxLength: 7 },
      ),
    )
    .map(
      ([label, items, params]) =>
        `${label}=(${items.join(' ')})${params.map(([k, v]) => `;${k}=${v}`).join('')}`,
    ),
  repeated('a', 5_000, 20_000).map((long) => `sig1=("${long}")`),
);
const signature = fc.oneof(
  headerText(120),
  fc.integer({ min: 0, max: 100 }).map((n) => `sig1=:${randomBytes(n).toString('base64')}:`),
  repeated('A', 5_000, 20_000).map((long) => `sig1=:${long}:`),
);
const maybeTwice = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 4, arbitrary: arb }, fc.tuple(arb, arb));
const headers = fc.record(
  {
    'signature-input': maybeTwice(sigInput),
    signature: maybeTwice(signature),
    'content-digest': maybeTwice(
      fc.oneof(headerText(60), fc.constantFrom(`sha-256=:${b64(32)}:`, 'sha-512=:AA==:')),
    ),
    'content-type': fc.constantFrom(...CONTENT_TYPES),
    'sec-fetch-site': fc.constantFrom(
      ...words('cross-site same-site same-origin none CROSS-SITE x'),
      '',
    ),
    origin: fc.oneof(
      fc.constantFrom('http://evil.example', 'null', 'http://127.0.0.1'),
      headerText(40),
    ),
    'tailscale-funnel-request': fc.constantFrom('?1', ''),
    host: fc.oneof(
      fc.constantFrom('evil.example', '[::1', 'a b', '127.0.0.1:99999', ''),
      headerText(30),
    ),
    'x-padding': repeated('p', 6_000, 20_000),
    'accept-encoding': fc.constantFrom('gzip', 'br, gzip;q=0', '*'),
  },
  { requiredKeys: [] },
);
const badBase64url = fc.oneof(
  fc.constantFrom(`${'A'.repeat(42)}B`, `${b64(32)}=`, randomBytes(32).toString('base64'), b64(31)),
  fc.constantFrom(b64(33), '', '!'.repeat(43), b64(32)), // 42 As and a B: leftover bits not zero
  fc.oneof(headerText(50), fc.integer(), fc.constant(null), fc.constant([b64(32)])),
);
const deviceName = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 70 }),
  fc.string({ unit: 'grapheme', maxLength: 70 }),
  fc.constantFrom(
    '\u202eevil',
    '\u200b',
    '',
    '   ',
    'a'.repeat(65),
    '\ud800',
    'x\udfffy',
    '\u0000',
  ),
  fc.oneof(
    fc.integer(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 2 }),
    fc.constant({}),
  ),
);
const json = (arb: fc.Arbitrary<unknown>) => arb.map((value) => JSON.stringify(value));
const pairBody = fc.record(
  { name: deviceName, publicKey: badBase64url, proof: badBase64url },
  { requiredKeys: [] },
);
const bodyText = fc.oneof(
  fc.constantFrom(
    ...words(`{ } {"name": null [] "x" {"name":"a",} {'a':1} NaN {"name":"\\ud800"}`),
  ),
  fc.constantFrom('\u0000', '', '{"__proto__":{"name":"x"}}', '{"name":"a","name":7}'),
  json(fc.jsonValue({ maxDepth: 4 })),
  json(pairBody),
  json(fc.record({ name: deviceName, extra: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: [] })),
  repeated('x', 1_000, 200_000).map((long) => JSON.stringify({ name: long })),
  fc.integer({ min: 100, max: 100_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  fc.integer({ min: 100, max: 50_000 }).map((n) => `${'{"name":'.repeat(n)}1${'}'.repeat(n)}`),
);
const body = fc.oneof(
  bodyText.map((text) => Buffer.from(text, 'utf8')),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)), // often not UTF-8
  fc.constant(Buffer.from('{"name":"\xed\xa0\x80"}', 'latin1')), // a lone surrogate in UTF-8
);

const unsignedSpec = fc.record({
  kind: fc.constant('unsigned' as const),
  method: fc.constantFrom(...METHODS),
  path,
  headers,
  body: fc.option(body, { freq: 2 }),
  chunked: fc.boolean(),
});
// Unsigned, but shaped like a real pair call, so the body gets past the guards and is parsed.
const pairSpec = fc.record({
  kind: fc.constant('unsigned' as const),
  method: fc.constant('POST'),
  path: fc.constant(ROUTES.pair),
  headers: fc.constant({ 'content-type': 'application/json' }),
  body: json(pairBody).map((text) => Buffer.from(text)),
  chunked: fc.boolean(),
});
const signedSpec = fc.record({
  kind: fc.constant('signed' as const),
  template: fc.constantFrom(
    ...words(
      'status devices audit mint rename delete pair unknown unlock-key unlock lock operation',
    ),
  ),
  mutation: fc.constantFrom(
    ...words(`none method path query sig-flip sig-bytes param components
    label dup-input dup-sig drop-digest digest-alg body-flip body-drop body-add content-type padding
    replay stale drop-input`),
  ),
  body: fc.option(body, { freq: 3 }),
  junk: headerText(40),
  pick: fc.nat(),
  contentType: fc.constantFrom(...CONTENT_TYPES),
  proof: badBase64url,
});
/** SignedSpec names an endpoint to sign a request for, and how to break it afterwards. */
export type SignedSpec = typeof signedSpec extends fc.Arbitrary<infer T> ? T : never;
/** spec generates one request: unsigned junk, a pair-shaped call, or a signed one to break. */
export const spec = fc.oneof({ weight: 4, arbitrary: unsignedSpec }, pairSpec, {
  weight: 4,
  arbitrary: signedSpec,
});
