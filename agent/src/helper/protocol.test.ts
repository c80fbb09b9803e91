import { describe, expect, it } from 'vitest';
import { MAX_PASSPHRASE_BYTES as API_MAX_PASSPHRASE_BYTES } from '../../../shared/unlock.ts';
import { answerLine, type HelperAnswer, parseAnswerLine } from './answers.ts';
import { encodeRequest, type FrameParse, MAX_PASSPHRASE_BYTES, parseFrame } from './protocol.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const parse = (text: string | Uint8Array, ended = true): FrameParse =>
  parseFrame(typeof text === 'string' ? bytes(text) : text, ended);
const refusedAs = (result: FrameParse) =>
  result.kind === 'refused' ? result.answer.code : result.kind;

describe('parseFrame', () => {
  it('reads each verb, whole only at the end of the stream', () => {
    expect(parse('close\n')).toEqual({ kind: 'request', request: { verb: 'close' } });
    expect(parse('start-backup\n')).toEqual({ kind: 'request', request: { verb: 'start-backup' } });
    expect(parse('start postgresql.service\n')).toEqual({
      kind: 'request',
      request: { verb: 'start', unit: 'postgresql.service' },
    });
    expect(parse('stop mnt-my\\x20drive.mount\n')).toMatchObject({
      request: { verb: 'stop', unit: 'mnt-my\\x20drive.mount' },
    });
    for (const verb of ['start-drill', 'drive-health', 'list-dumps']) {
      expect(parse(`${verb}\n`)).toEqual({ kind: 'request', request: { verb } });
      // No arguments: the disk, the unit and the directory come from the helper config only.
      expect(refusedAs(parse(`${verb} /dev/sdb\n`))).toBe('bad-frame');
    }
    expect(parse('close\n', false)).toEqual({ kind: 'incomplete' });
    expect(parse('clo', false)).toEqual({ kind: 'incomplete' });
  });

  it('reads set-cpu-quota with a percent of 1-400, or off for no cap', () => {
    for (const [word, percent] of [
      ['1', 1],
      ['75', 75],
      ['100', 100],
      ['400', 400],
      ['off', null],
    ] as const) {
      expect(parse(`set-cpu-quota immich-server.service ${word}\n`)).toEqual({
        kind: 'request',
        request: { verb: 'set-cpu-quota', unit: 'immich-server.service', percent },
      });
    }
    expect(parse('set-cpu-quota immich-server.service 50\n', false)).toEqual({
      kind: 'incomplete',
    });
  });

  it('takes any 1-512 bytes after open, as a view into the buffer', () => {
    const passphrase = Uint8Array.from({ length: 512 }, (_, i) => i % 256); // NUL and \n included
    const frame = new Uint8Array([...bytes('open\n512\n'), ...passphrase]);
    const result = parse(frame);
    if (result.kind !== 'request' || result.request.verb !== 'open') throw new Error('no open');
    expect(result.request.passphrase).toEqual(passphrase);
    frame.fill(0);
    expect(result.request.passphrase.every((byte) => byte === 0)).toBe(true);
    expect(parse('open\n1\nx')).toMatchObject({ request: { verb: 'open' } });
    expect(parse('open\n5\nabc', false)).toEqual({ kind: 'incomplete' });
  });

  it.each([
    ['missing newline', 'close'],
    ['missing newline after open', 'open'],
    ['empty verb line', '\n'],
    ['len 0', 'open\n0\n'],
    ['len 513', `open\n513\n${'x'.repeat(513)}`],
    ['len 10000', `open\n10000\n${'x'.repeat(10_000)}`],
    ['len +5', 'open\n+5\nabcde'],
    ['len 05', 'open\n05\nabcde'],
    ['len with a space', 'open\n 5\nabcde'],
    ['empty len', 'open\n\nabcde'],
    ['len not followed by newline', 'open\n5'],
    ['trailing bytes after open', 'open\n5\nabcdef'],
    ['trailing bytes after close', 'close\nx'],
    ['a second request', 'close\nclose\n'],
    ['short body', 'open\n5\nabc'],
    ['open with an argument', 'open 5\n'],
    ['close with a space', 'close \n'],
    ['start without a unit', 'start\n'],
    ['start with two units', 'start a.service b.service\n'],
    ['two spaces', 'start  a.service\n'],
    ['a path as a unit', 'start ../x.service\n'],
    ['an option as a unit', 'stop --force\n'],
    ['a tab', 'start\ta.service\n'],
    ['non-ASCII', 'clöse\n'],
    ['a verb line of 128 bytes', `start ${'a'.repeat(121)}\n`],
    ['set-cpu-quota without a percent', 'set-cpu-quota immich-server.service\n'],
    ['set-cpu-quota without a unit', 'set-cpu-quota 50\n'],
    ['set-cpu-quota with an extra field', 'set-cpu-quota immich-server.service 50 x\n'],
    ['set-cpu-quota with two units', 'set-cpu-quota a.service b.service 50\n'],
    ['set-cpu-quota of a path', 'set-cpu-quota ../a.service 50\n'],
    ['set-cpu-quota of an option', 'set-cpu-quota --now 50\n'],
    ['a quota of 0', 'set-cpu-quota a.service 0\n'],
    ['a quota of 401', 'set-cpu-quota a.service 401\n'],
    ['a quota of 1000', 'set-cpu-quota a.service 1000\n'],
    ['a negative quota', 'set-cpu-quota a.service -5\n'],
    ['a fractional quota', 'set-cpu-quota a.service 50.5\n'],
    ['a quota with a leading zero', 'set-cpu-quota a.service 050\n'],
    ['a quota with a sign', 'set-cpu-quota a.service +50\n'],
    ['a quota with a percent sign', 'set-cpu-quota a.service 50%\n'],
    ['a quota in exponent form', 'set-cpu-quota a.service 1e2\n'],
    ['an empty quota', 'set-cpu-quota a.service \n'],
    ['OFF in capitals', 'set-cpu-quota a.service OFF\n'],
    ['trailing bytes after set-cpu-quota', 'set-cpu-quota a.service 50\nx'],
  ])('refuses %s as bad-frame', (_, frame) => {
    expect(refusedAs(parse(frame))).toBe('bad-frame');
  });

  it.each(['reboot\n', 'START postgresql.service\n', 'sh -c id\n'])(
    'refuses %j as unknown-verb',
    (frame) => {
      expect(refusedAs(parse(frame))).toBe('unknown-verb');
    },
  );

  it('refuses without waiting for the end once no frame can come of the bytes', () => {
    expect(refusedAs(parse('x'.repeat(128), false))).toBe('bad-frame');
    expect(refusedAs(parse('open\n1000', false))).toBe('bad-frame');
    expect(refusedAs(parse('open\n3\nabcd', false))).toBe('bad-frame');
    expect(refusedAs(parse('close\n\n', false))).toBe('bad-frame');
  });
});

describe('encodeRequest', () => {
  it('frames what parseFrame reads back', () => {
    const passphrase = bytes('pass\nphrase\0');
    const framed = encodeRequest({ verb: 'open', passphrase });
    expect(new TextDecoder().decode(framed)).toBe('open\n12\npass\nphrase\0');
    expect(parse(framed)).toEqual({ kind: 'request', request: { verb: 'open', passphrase } });
    const checked = encodeRequest({ verb: 'check', passphrase });
    expect(new TextDecoder().decode(checked)).toBe('check\n12\npass\nphrase\0');
    expect(parse(checked)).toEqual({ kind: 'request', request: { verb: 'check', passphrase } });
    for (const request of [
      { verb: 'close' },
      { verb: 'start-backup' },
      { verb: 'tries' },
      { verb: 'start-drill' },
      { verb: 'drive-health' },
      { verb: 'list-dumps' },
      { verb: 'stop', unit: 'immich-server.service' },
      { verb: 'set-cpu-quota', unit: 'immich-server.service', percent: 80 },
      { verb: 'set-cpu-quota', unit: 'immich-machine-learning.service', percent: null },
    ] as const) {
      expect(parse(encodeRequest(request))).toEqual({ kind: 'request', request });
    }
  });

  it('refuses what the helper would refuse, without naming the bytes', () => {
    expect(() => encodeRequest({ verb: 'open', passphrase: new Uint8Array(0) })).toThrow(TypeError);
    expect(() => encodeRequest({ verb: 'open', passphrase: bytes('s3cret'.repeat(100)) })).toThrow(
      /^a passphrase must be 1-512 bytes$/,
    );
    expect(() => encodeRequest({ verb: 'start', unit: 'a b' })).toThrow(TypeError);
    expect(
      new TextDecoder().decode(
        encodeRequest({ verb: 'set-cpu-quota', unit: 'a.service', percent: null }),
      ),
    ).toBe('set-cpu-quota a.service off\n');
    for (const percent of [0, 401, 50.5, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => encodeRequest({ verb: 'set-cpu-quota', unit: 'a.service', percent })).toThrow(
        /^the request is not a valid frame$/,
      );
    }
    expect(() => encodeRequest({ verb: 'set-cpu-quota', unit: '-x', percent: 50 })).toThrow(
      TypeError,
    );
  });
});

describe('answers', () => {
  it('are one JSON line that the agent parses back, and nothing else parses', () => {
    const answers: HelperAnswer[] = [
      { ok: true },
      { ok: true, alreadyOpen: true },
      { ok: true, failureAgesMs: [800_000, 1_000] },
      { ok: false, code: 'wrong-passphrase', message: 'the passphrase is wrong', triesLeft: 4 },
      { ok: false, code: 'unlock-rate-limited', message: 'wait', retryAfterSeconds: 60 },
      { ok: false, code: 'unit-failed', message: 'failed', logLines: ['a', 'b'] },
      { ok: false, code: 'kdf-busy', message: 'busy' },
    ];
    for (const answer of answers) {
      const line = answerLine(answer);
      expect(line.endsWith('\n') && !line.slice(0, -1).includes('\n')).toBe(true);
      expect(parseAnswerLine(line)).toEqual(answer);
    }
    expect(parseAnswerLine('{"ok":false,"code":"reboot","message":"x"}')).toBeNull();
    expect(parseAnswerLine('{"ok":false,"code":"wrong-passphrase","message":"x"}')).toBeNull();
    expect(parseAnswerLine('not json')).toBeNull();
    expect(parseAnswerLine('{"ok":true,"failureAgesMs":[-1]}')).toBeNull();
  });
});

describe('MAX_PASSPHRASE_BYTES', () => {
  it('is the API limit: the helper keeps its own copy so it imports nothing of the API', () => {
    expect(MAX_PASSPHRASE_BYTES).toBe(API_MAX_PASSPHRASE_BYTES);
  });
});
