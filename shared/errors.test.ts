// Every stable error code is documented: docs/api.md is where clients learn what a code means.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_STATUS } from './errors.ts';

const apiDoc = readFileSync(new URL('../docs/api.md', import.meta.url), 'utf8');

describe('ERROR_STATUS', () => {
  it.each(Object.keys(ERROR_STATUS))('%s has a row of its own in docs/api.md', (code) => {
    expect(apiDoc).toContain(`| \`${code}\` |`);
  });
});
