// Backups in real Chromium: the seeded history and its chart, a failed run's own screen (kept
// offline), "Back up now" refused while locked, then started with a snackbar and followed to its
// result after an unlock, and Home's summary. Screenshots go to tests/artifacts/backups-*.png.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxPi } from '../../sandbox-pi/index.ts';
import { DEMO_PASSPHRASE } from '../../sandbox-pi/index.ts';
import { axeViolations } from './axe.ts';
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
      // A nightly time two hours on: a start moves the stub's timer a day from now, far from it.
      await made.setNextBackupAt(Date.now() + 2 * HOUR);
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
    expect(await axeViolations(page)).toEqual([]);

    // Compact rows: the whole row is one link, a thumb's height at least.
    const failed = page.locator('[data-testid="backup-row"][data-result="failed"]').first();
    const link = failed.getByRole('link');
    expect((await link.boundingBox())?.height).toBeGreaterThanOrEqual(44);
    expect(await link.getAttribute('aria-label')).toBeNull();
    expect(await link.textContent()).toMatch(/failed/i);
    const id = await failed.getAttribute('data-id');
    await link.scrollIntoViewIfNeeded();
    const listY = await page.evaluate(() => scrollY);
    expect(listY).toBeGreaterThan(0);
    await link.click();
    const detail = page.getByTestId('backup-detail');
    await detail.waitFor();
    expect(new URL(page.url()).pathname).toBe(`/backups/${id}`);
    expect(await detail.getAttribute('data-result')).toBe('failed');
    const log = page.getByTestId('backup-log');
    expect(await log.textContent()).toContain('[ERROR]');
    expect(await log.getAttribute('tabindex')).toBe('0');
    expect(await testIdText(page, 'backup-reason')).not.toMatch(/^\d{4}-/);
    // Plain words only: no systemd field names, no 64-character ids.
    const words = (await detail.textContent()) ?? '';
    expect(words).not.toMatch(/SERVICE_RESULT|EXIT_CODE|EXIT_STATUS|[0-9a-f]{64}/);
    expect(await testIdText(page, 'backup-exit')).toMatch(/\w+ \w+/);
    // Start and end said the same way, a day and a time: "Today 07:04", "Dec 3, 07:04".
    for (const id of ['backup-started', 'backup-ended'])
      expect(await testIdText(page, id)).toMatch(/^(Today|Yesterday|[^,]+,) \d\d:\d\d$/);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect({ scheme, violations: await axeViolations(page) }).toEqual({ scheme, violations: [] });
      await screenshot(page, `backups-failed-run${scheme === 'dark' ? '-dark' : ''}`);
    }
    await page.emulateMedia({ colorScheme: 'light' });

    // The run's page is an address of its own: a reload shows it again, Back goes to the list.
    await page.reload();
    await detail.waitFor();
    expect(await detail.getAttribute('data-result')).toBe('failed');
    await page.getByRole('link', { name: 'Backups' }).first().click();
    await page.getByTestId('backup-row').first().waitFor();
    expect(new URL(page.url()).pathname).toBe('/backups');

    // Opened again from the list, Back returns to the list as it was: older page and place kept.
    await link.scrollIntoViewIfNeeded();
    // The reload above started the app afresh: one page again.
    expect(await rows.count()).toBe(20);
    await page.getByTestId('backup-more').click();
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(21);
    await link.scrollIntoViewIfNeeded();
    const placeY = await page.evaluate(() => scrollY);
    await link.click();
    await detail.waitFor();
    expect(await page.evaluate(() => scrollY)).toBe(0);
    await page.goBack();
    await page.getByTestId('backup-row').first().waitFor();
    expect(await rows.count()).toBe(21);
    expect(await page.evaluate(() => scrollY)).toBe(placeY);
  });

  it('refuses "Back up now" while the drive is locked, in words', async () => {
    // One tap, no dialog: the refusal shows under the button.
    await page.getByTestId('backup-now').click();
    await page.getByTestId('backup-refused').waitFor();
    expect(await testIdText(page, 'backup-refused')).toMatch(/locked/i);
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await page.getByTestId('backup-snackbar').count()).toBe(0);
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
    await page.getByTestId('backup-next').waitFor();
    const nextBefore = await testIdText(page, 'backup-next');
    expect(nextBefore).toMatch(/^Next run (today|tomorrow) \d\d:\d\d/);
    await page.getByTestId('backup-now').click();
    const snackbar = page.getByTestId('backup-snackbar');
    await snackbar.waitFor();
    // Said in a live region that stood before it: screen readers announce it.
    expect(await page.getByRole('status').filter({ has: snackbar }).count()).toBe(1);
    expect(await snackbar.textContent()).toMatch(/^Backup started/);
    // The stub's timer counts from the last run, as the seed's does: the snackbar says where to.
    const moved = page.getByTestId('backup-moved');
    await moved.waitFor({ timeout: 15_000 });
    expect(await moved.textContent()).toMatch(
      /Your nightly backup will move to tomorrow \d\d:\d\d/,
    );
    expect(await testIdText(page, 'backup-next')).not.toBe(nextBefore);
    await screenshot(page, 'backups-started');
    expect(await axeViolations(page)).toEqual([]);
    // The choice to keep the old time: the Pi then starts the backup at it.
    const keep = snackbar.getByTestId('backup-keep');
    const oldTime = String(nextBefore).replace(/^Next run /, '');
    expect(await keep.textContent()).toBe(`Keep ${oldTime}`);
    expect((await keep.boundingBox())?.height).toBeGreaterThanOrEqual(44);
    await keep.click();
    const kept = page.getByTestId('backup-kept');
    await kept.waitFor();
    expect(await kept.textContent()).toBe(
      ` The nightly backup keeps its time: next run ${oldTime}.`,
    );
    await expect.poll(() => testIdText(page, 'backup-next')).toBe(nextBefore);
    expect(await page.getByTestId('backup-moved').count()).toBe(0);
    expect(await keep.count()).toBe(0);
    await screenshot(page, 'backups-kept');
    expect(await axeViolations(page)).toEqual([]);
    await snackbar.getByRole('button', { name: 'OK' }).click();
    expect(await snackbar.count()).toBe(0);
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

  it('leads the summary with a failed last run, beside the last good one', async () => {
    await sandbox.setBackupOutcome('fail');
    // Started as the timer starts it; the run before it (just above) was the last good one.
    await sandbox.startBackupAsTimer();
    await sandbox.waitForBackupIdle();
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.getByTestId('backup-last-good').waitFor();
          return testIdText(page, 'backup-last-good');
        },
        { timeout: 20_000 },
      )
      .toMatch(/^Last backup failed · last good (just now|\d+ (second|minute)s? ago)$/);
    await expect
      .poll(() => page.getByTestId('backup-row').first().getAttribute('data-result'), {
        timeout: 10_000,
      })
      .toBe('failed');
    await screenshot(page, 'backups-summary-failed');
    expect(violations).toEqual([]);
  });

  it('keeps the last run opened readable with the Pi gone, greyed, and says so of others', async () => {
    const failed = page.locator('[data-testid="backup-row"][data-result="failed"]').first();
    const id = await failed.getAttribute('data-id');
    await failed.getByRole('link').click();
    await page.getByTestId('backup-log').waitFor();
    await rig?.agent.stop();
    await page.reload();
    await page.getByTestId('offline-bar').waitFor({ timeout: 10_000 });
    const detail = page.getByTestId('backup-detail');
    await detail.waitFor();
    expect(new URL(page.url()).pathname).toBe(`/backups/${id}`);
    expect(await page.locator('.group.is-stale').count()).toBe(1);
    expect(await page.getByTestId('backup-log').textContent()).toContain('[ERROR]');
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'backups-run-offline');
    await page.goto(new URL('/backups/0123456789abcdef0123456789abcdef', origin).href);
    await page.getByText(/This run was not kept on the phone/).waitFor();
    expect(violations).toEqual([]);
  });
});
