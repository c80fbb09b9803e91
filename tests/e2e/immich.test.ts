// Home's Immich tile and the thermal guard in real Chromium: the version and the queues from the
// stub Immich after an unlock, an admin's pause and resume by hand, the guard's settings saved
// from Settings, and the guard pausing on heat and resuming on cool-down as the tile tells it.
// Screenshots go to tests/artifacts/immich-*.png.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxPi } from '../../sandbox-pi/index.ts';
import { DEMO_PASSPHRASE } from '../../sandbox-pi/index.ts';
import { pairInApp, type Rig, screenshot, startRig, testIdText } from './harness.ts';

describe('the Immich tile in Chromium', () => {
  let rig: Rig | null = null;
  let sandbox: SandboxPi;
  let page: Page;
  let violations: string[] = [];
  let origin: string;

  /** onHome reads a tile's line after reloading Home, so each poll sees a fresh status. */
  const onHome = async (testId: string): Promise<string | null> => {
    await page.goto(new URL('/', origin).href);
    await page.getByTestId('home-immich').waitFor({ timeout: 10_000 });
    return testIdText(page, testId);
  };

  beforeAll(async () => {
    // Holds of a second, so the guard acts within the test.
    rig = await startRig({ guard: { pauseHoldSeconds: 1, resumeHoldSeconds: 2 } });
    sandbox = rig.sandbox;
    origin = new URL(rig.agent.url).origin;
    ({ page, violations } = rig.phone);
    await pairInApp(page, origin, sandbox.configPath);
    await page.goto(new URL('/unlock', origin).href);
    await page.getByLabel('Drive passphrase').fill(DEMO_PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await page
      .getByText(/Immich is running/)
      .first()
      .waitFor({ timeout: 60_000 });
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('shows Immich’s version and what it is working on', async () => {
    await expect.poll(() => onHome('immich-queues'), { timeout: 30_000 }).toMatch(/waiting/);
    expect(await testIdText(page, 'immich-version')).toMatch(/^Immich v\d+\.\d+\.\d+$/);
    expect(await testIdText(page, 'immich-queues')).toMatch(/Thumbnails: [\d,]+ waiting/);
    expect(await testIdText(page, 'immich-guard')).toBe(
      'Thermal guard on: pauses heavy jobs at 75 °C',
    );
    await screenshot(page, 'immich-home');
  });

  it('lets an admin pause the heavy jobs by hand and resume them', async () => {
    await page.getByRole('button', { name: 'Pause heavy jobs' }).click();
    await expect.poll(() => testIdText(page, 'immich-done')).toBe('Heavy jobs paused.');
    expect(await testIdText(page, 'immich-queues')).toMatch(/Thumbnails: paused/);
    await page.getByRole('button', { name: 'Resume heavy jobs' }).click();
    await expect.poll(() => testIdText(page, 'immich-done')).toBe('Heavy jobs resumed.');
    expect(await testIdText(page, 'immich-queues')).toMatch(/Thumbnails: [\d,]+ waiting/);
  });

  it('saves the guard’s thresholds from Settings, marked as the app’s', async () => {
    await page.goto(new URL('/settings', origin).href);
    const form = page.getByTestId('guard-form');
    await form.waitFor({ timeout: 10_000 });
    expect(await testIdText(page, 'guard-from')).toMatch(/Pi’s defaults/);
    await form.getByLabel('Pause at (°C)').fill('72');
    await form.getByRole('button', { name: 'Save the thermal guard' }).click();
    await page.getByTestId('guard-saved').waitFor({ timeout: 10_000 });
    expect(await testIdText(page, 'guard-from')).toMatch(/changed from the app/);
    await screenshot(page, 'immich-settings');
    await expect
      .poll(() => onHome('immich-guard'), { timeout: 10_000 })
      .toBe('Thermal guard on: pauses heavy jobs at 72 °C');
  });

  it('pauses on heat and resumes on cool-down, as the tile says', async () => {
    await sandbox.setTemperature(79);
    await expect
      .poll(() => onHome('immich-guard'), { timeout: 30_000 })
      .toMatch(/^Paused by the thermal guard since \d/);
    expect(await testIdText(page, 'immich-queues')).toMatch(/Thumbnails: paused/);
    await screenshot(page, 'immich-guard-paused');
    await sandbox.setTemperature(60);
    await expect
      .poll(() => onHome('immich-guard'), { timeout: 30_000 })
      .toBe('Thermal guard on: pauses heavy jobs at 72 °C');
    expect(await testIdText(page, 'immich-queues')).toMatch(/Thumbnails: [\d,]+ waiting/);
    expect(violations).toEqual([]);
  });
});
