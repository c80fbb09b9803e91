import { describe, expect, it } from 'vitest';
import { canonicalPairingCode } from '../../shared/protocol/index.ts';
import { completeCode, formatCodeInput } from './code-input.ts';

describe('formatCodeInput', () => {
  it.each([
    ['', ''],
    ['a', 'A'],
    ['abcd', 'ABCD'],
    ['abcde', 'ABCD-E'],
    ['ABCD-', 'ABCD'],
    ['abcd efgh', 'ABCD-EFGH'],
    ['abcd-efgh-jk', 'ABCD-EFGH'],
    ['o0il', '0011'],
    ['u*u!ab', 'AB'],
    [' 7k9q-m2x4 ', '7K9Q-M2X4'],
  ])('"%s" shows as "%s"', (typed, shown) => {
    expect(formatCodeInput(typed)).toBe(shown);
  });

  it('is stable: tidying tidied text changes nothing', () => {
    for (const typed of ['abcde', 'x-y-z', 'ABCD-EFGH', 'o0o0o0o0o0']) {
      const once = formatCodeInput(typed);
      expect(formatCodeInput(once)).toBe(once);
    }
  });
});

describe('completeCode', () => {
  it('answers the canonical code only once 8 characters are there', () => {
    expect(completeCode('abcd-efg')).toBeNull();
    expect(completeCode('abcdefgh')).toBe('ABCD-EFGH');
    expect(completeCode('abcdefgh')).toBe(canonicalPairingCode('ABCD-EFGH'));
  });
});
