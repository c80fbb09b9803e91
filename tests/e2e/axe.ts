// axe-core's accessibility rules run in the page under test: 0 violations is the bar on every screen.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let source: Promise<string> | null = null;

/** Violation is one broken rule, with the elements that break it, enough to find and fix them. */
export interface Violation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * axeViolations runs axe-core's WCAG 2.x A and AA rules (and its best practices) on the page as
 * shown. The script is evaluated through the DevTools protocol, which the app's CSP does not govern.
 */
export async function axeViolations(page: Page): Promise<Violation[]> {
  source ??= readFile(axePath, 'utf8');
  const script = await source;
  // The source as an expression string goes to the DevTools protocol as is: no eval in the page.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(script);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: unknown }).axe as {
      run(
        context: Document,
        options: object,
      ): Promise<{
        violations: {
          id: string;
          impact: string | null;
          help: string;
          nodes: { target: string[] }[];
        }[];
      }>;
    };
    const result = await axe.run(document, {
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
      },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((node) => node.target.join(' ')),
    }));
  });
}
