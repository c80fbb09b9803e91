// parseJson: text to a checked value, or where and why it is not one.
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { check, parseJson } from './parse-json.ts';

const Schema = v.object({ backup: v.object({ timer: v.string() }), runs: v.array(v.number()) });

describe('parseJson', () => {
  it('answers the checked value', () => {
    const text = JSON.stringify({ backup: { timer: 'x.timer' }, runs: [1] });
    expect(parseJson(text, Schema)).toEqual({
      ok: true,
      value: { backup: { timer: 'x.timer' }, runs: [1] },
    });
  });

  it('tells text that is not JSON from JSON that does not fit', () => {
    expect(parseJson('{"backup":', Schema)).toMatchObject({ ok: false, notJson: true });
    expect(parseJson('"text"', Schema)).toMatchObject({ ok: false, notJson: false, where: null });
  });

  it('names the first bad field as a dotted path, and sums up every issue', () => {
    const text = JSON.stringify({ backup: { timer: 7 }, runs: ['a'] });
    const parsed = parseJson(text, Schema);
    expect(parsed).toMatchObject({ ok: false, notJson: false, where: 'backup.timer' });
    if (parsed.ok || parsed.notJson) throw new Error('expected a schema failure');
    expect(parsed.summary).toContain('backup.timer');
    expect(parsed.summary).toContain('runs.0');
    expect(check(Schema, { backup: { timer: 't' }, runs: [1, 'b'] })).toMatchObject({
      where: 'runs.1',
    });
  });
});
