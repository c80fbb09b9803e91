import { describe, expect, it } from 'vitest';
import { codeInFragment, pairingLink } from './pairing-link.ts';

describe('pairingLink', () => {
  it('opens the pair screen with the code in the fragment, with or without a trailing slash', () => {
    expect(pairingLink('https://pi.tail1.ts.net/', 'ABCD-EFGH')).toBe(
      'https://pi.tail1.ts.net/pair#code=ABCD-EFGH',
    );
    expect(pairingLink('http://127.0.0.1:8480', 'ABCD-EFGH')).toBe(
      'http://127.0.0.1:8480/pair#code=ABCD-EFGH',
    );
  });

  it('reads back the code it wrote, and nothing from other fragments', () => {
    const link = new URL(pairingLink('https://pi.test/', 'Z9Y8-X7W6'));
    expect(codeInFragment(link.hash)).toBe('Z9Y8-X7W6');
    expect(codeInFragment('#other=1&code=ABCD-EFGH')).toBe('ABCD-EFGH');
    expect(codeInFragment('')).toBeNull();
    expect(codeInFragment('#code=')).toBeNull();
    expect(codeInFragment('#nocode=ABCD-EFGH')).toBeNull();
    expect(codeInFragment('#code=<script>')).toBeNull();
  });
});
