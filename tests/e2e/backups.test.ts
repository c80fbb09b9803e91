// Backups in real Chromium: the seeded history on the Backups screen and its chart, a failed run's
// reason and log, "Back up now" refused while locked, then followed to its result after an unlock,
// and Home's summary. Screenshots go to tests/artifacts/backups-*.png.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxPi } from '../../sandbox-pi/index.ts';
import { DEMO_PASSPHRASE } from '../../sandbox-pi/index.ts';
import { pairInApp, type Rig, screenshot, startRig, testIdText } from './harness.ts';

const HOUR = 3600_000;

describe('backups in Chromium', () => {
  let rig: Rig | null = null;
  let sandbox: SandboxPi;
  let page: Page;
  let violations: string[] = [];
  let origin: string;

  beforeAll(async () => {
    rig = await startRig({}, async (made) => {
      await made.seedBackupHistory({ days: 21, lastRunEndedAt: Date.now() - 5 * HOUR });
    });
    sandbox = rig.sandbox;
    origin = new URL(rig.agent.url).origin;
    ({ page, violations } = rig.phone);
    await pairInApp(page, origin, sandbox.configPath);
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('shows the last good backup and the next run on Home', async () => {
    const tile = page.getByTestId('home-backup');
    await tile.waitFor();
    await expect.poll(() => tile.textContent(), { timeout: 10_000 }).toMatch(/5 hours ago/);
    expect(await tile.textContent()).toMatch(/Next/i);
    await screenshot(page, 'backups-home');
  });

  it('lists the seeded runs newest first with a chart, and opens a failed run to its log', async () => {
    await page.getByRole('link', { name: 'Backups' }).first().click();
    await page.getByTestId('backup-row').first().waitFor();
    expect(await testIdText(page, 'backup-demo')).toMatch(/demo/i);
    const rows = page.getByTestId('backup-row');
    expect(await rows.count()).toBe(20);
    const results = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-result')));
    expect(results[0]).toBe('succeeded');
    expect(results).toEqual(expect.arrayContaining(['failed', 'partial', 'interrupted']));
    await page.getByTestId('backup-more').click();
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(21);
    const chart = page.getByTestId('backup-chart');
    expect(await chart.locator('rect, path, circle, line').count()).toBeGreaterThan(10);
    await screenshot(page, 'backups-list', { fullPage: true });

    const failed = page.locator('[data-testid="backup-row"][data-result="failed"]').first();
    await failed.getByRole('button', { name: /Why\?/ }).click();
    const detail = failed.getByTestId('backup-detail');
    await detail.getByTestId('backup-log').waitFor();
    expect(await detail.getByTestId('backup-log').textContent()).toContain('[ERROR]');
    expect(await detail.getByTestId('backup-reason').textContent()).not.toMatch(/^\d{4}-/);
    await failed.scrollIntoViewIfNeeded();
    await screenshot(page, 'backups-failed-run');
  });

  it('refuses "Back up now" while the drive is locked, in words', async () => {
    await page.getByTestId('backup-now').click();
    await page.getByTestId('backup-confirm').click();
    await page.getByTestId('backup-refused').waitFor();
    expect(await testIdText(page, 'backup-refused')).toMatch(/locked/i);
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  it('backs up now after an unlock, shows it running, and ends with its result', async () => {
    await page.goto(new URL('/unlock', origin).href);
    await page.getByLabel('Drive passphrase').fill(DEMO_PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await page
      .getByText(/Immich is running/)
      .first()
      .waitFor({ timeout: 60_000 });

    await sandbox.setBackupOutcome('slow');
    await page.goto(new URL('/backups', origin).href);
    await page.getByTestId('backup-now').click();
    await page.getByTestId('backup-confirm').click();
    await page.getByTestId('backup-running').waitFor({ timeout: 15_000 });
    await expect
      .poll(() => page.getByTestId('backup-row').first().getAttribute('data-result'), {
        timeout: 10_000,
      })
      .toBe('running');
    await screenshot(page, 'backups-running');
    // The slow stub run takes about 20 s, then makes its snapshot.
    const outcome = page.getByTestId('backup-outcome');
    await outcome.waitFor({ timeout: 60_000 });
    expect(await outcome.getAttribute('data-result')).toBe('succeeded');
    expect(await outcome.textContent()).toMatch(/succeeded/i);
    const newest = page.getByTestId('backup-row').first();
    expect(await newest.getAttribute('data-result')).toBe('succeeded');
    expect(await newest.textContent()).toMatch(/Just finished/);
    await screenshot(page, 'backups-finished');
    expect(violations).toEqual([]);
  });
});
