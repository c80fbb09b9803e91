// Recovery in real Chromium (issue 14): the Recovery card after a drill, a failed drill's detail,
// and the drive health card, on the sandbox Pi's stub rustic and stub smartctl. Screenshots go to
// tests/artifacts/recovery-*.png.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSPHRASE, type SandboxPi } from '../../sandbox-pi/index.ts';
import { pairInApp, type Rig, screenshot, startRig, testIdText } from './harness.ts';

describe('recovery in Chromium', () => {
  let rig: Rig | null = null;
  let sandbox: SandboxPi;
  let page: Page;
  let origin: string;

  beforeAll(async () => {
    rig = await startRig({});
    sandbox = rig.sandbox;
    origin = new URL(rig.agent.url).origin;
    ({ page } = rig.phone);
    await pairInApp(page, origin, rig.sandbox.configPath);
    await page.goto(new URL('/unlock', origin).href);
    await page.getByLabel('Drive passphrase').fill(DEMO_PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await page
      .getByText(/Immich is running/)
      .first()
      .waitFor({ timeout: 60_000 });
    // One nightly backup, so the drill has a snapshot to restore from.
    await sandbox.startBackupAsTimer();
    await sandbox.waitForBackupIdle();
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('tests a restore from the card and shows it passed, with the dump and the check', async () => {
    await page.goto(new URL('/backups', origin).href);
    await page.getByTestId('recovery').waitFor();
    await page.getByRole('button', { name: 'Test a restore now' }).click();
    await page.getByTestId('recovery-running').waitFor();
    await sandbox.waitForDrillIdle(60_000);
    await expect
      .poll(() => testIdText(page, 'recovery-last'), { timeout: 30_000 })
      .toMatch(/^Restore test passed (just now|\d+ seconds? ago): \d+ files? .*came back intact/);
    expect(await testIdText(page, 'recovery-dump')).toMatch(/^Newest database dump: /);
    expect(await testIdText(page, 'recovery-check')).toMatch(/^Repository check passed \(/);
    expect(await page.getByTestId('drill-row').first().getAttribute('data-result')).toBe('passed');
    await screenshot(page, 'recovery-passed');
  });

  it('shows a failed drill first, with the file that came back wrong', async () => {
    await sandbox.setRestoreOutcome('corrupt');
    await sandbox.startDrillAsTimer();
    await sandbox.waitForDrillIdle(60_000);
    await page.reload();
    const row = page.locator('[data-testid="drill-row"]').first();
    await expect.poll(() => row.getAttribute('data-result'), { timeout: 30_000 }).toBe('failed');
    expect(await page.getByTestId('recovery-warning').first().getAttribute('data-id')).toBe(
      'restore-test-failed',
    );
    // The lines name the file's long path: they wrap, and the phone lays the screen out no wider
    // than itself (mobile Chromium widens the layout to fit an overflow, then zooms out).
    expect(await row.textContent()).toMatch(/\/mnt\/immich_drive\//);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(
      page.viewportSize()?.width,
    );
    await row.getByText('What came back wrong').click();
    const files = row.getByTestId('drill-mismatches');
    await files.waitFor();
    expect(await files.textContent()).toMatch(/\//);
    await screenshot(page, 'recovery-failed');
    await page.goto(origin);
    await expect
      .poll(() => testIdText(page, 'home-recovery-issue'), { timeout: 30_000 })
      .toMatch(/Restore test failed/);
  });

  it('shows the drive’s health, then a failing verdict in words', async () => {
    await page.goto(new URL('/backups', origin).href);
    const card = page.getByTestId('drive-health');
    await card.waitFor();
    expect(await testIdText(page, 'health-state')).toMatch(/Healthy/);
    await sandbox.setSmart('failing');
    const smartReads = async () =>
      (await sandbox.readCommandLog()).filter(([program]) => program === 'smartctl').length;
    const readsBefore = await smartReads();
    // SMART is read after each unlock: lock and unlock so the agent reads it again.
    await page.goto(origin);
    await page.getByRole('button', { name: 'Lock', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Lock', exact: true }).click();
    await expect.poll(() => testIdText(page, 'outcome'), { timeout: 60_000 }).toBe('Locked');
    await page.goto(new URL('/unlock', origin).href);
    await page.getByLabel('Drive passphrase').fill(DEMO_PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await page
      .getByText(/Immich is running/)
      .first()
      .waitFor({ timeout: 60_000 });
    // The agent reads at its next sample after the unlock, then the card shows it.
    await expect.poll(smartReads, { timeout: 30_000 }).toBeGreaterThan(readsBefore);
    await page.goto(new URL('/backups', origin).href);
    await expect.poll(() => card.getAttribute('data-state'), { timeout: 45_000 }).toBe('failing');
    expect(await testIdText(page, 'health-state')).toMatch(/Failing: replace the drive soon/);
    await screenshot(page, 'recovery-drive-failing');
  });
});
