import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSPHRASE, type SandboxPi } from '../../sandbox-pi/index.ts';
import {
  pairInApp,
  type Rig,
  type RunningAgent,
  screenshot,
  startRig,
  testIdText,
} from './harness.ts';

const ML = 'immich-machine-learning.service';

describe('unlocking and locking in Chromium', () => {
  let rig: Rig | null = null;
  let sandbox: SandboxPi;
  let agent: RunningAgent;
  let page: Page;
  let violations: string[] = [];

  beforeAll(async () => {
    rig = await startRig({}, async (made) => {
      if (!made.cryptsetupAvailable) throw new Error('this test needs cryptsetup installed');
    });
    ({ sandbox, agent } = rig);
    ({ page, violations } = rig.phone);
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('pairs, and Home says the drive is locked and offers Unlock', async () => {
    await pairInApp(page, agent.url, sandbox.configPath);
    await expect.poll(() => testIdText(page, 'drive-state'), { timeout: 10_000 }).toBe('locked');
    await page.getByRole('link', { name: 'Unlock' }).waitFor();
    await screenshot(page, 'unlock-home-locked');
  });

  it('says a wrong passphrase plainly, with the tries left', async () => {
    await page.getByRole('link', { name: 'Unlock' }).click();
    const field = page.getByLabel('Drive passphrase');
    await field.fill('not the passphrase');
    await screenshot(page, 'unlock-form');
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await expect
      .poll(() => testIdText(page, 'outcome'), { timeout: 15_000 })
      .toMatch(/^Wrong passphrase\. [1-4] tries? left before a wait\.$/);
    expect(await field.inputValue()).toBe('');
    await screenshot(page, 'unlock-wrong-passphrase');
  });

  it('shows each step live, also after leaving and coming back, and ends on "Immich is running"', async () => {
    if (!agent) throw new Error('agent not started');
    await sandbox.slowUnit('immich-server.service', 3);
    await page.getByLabel('Drive passphrase').fill(DEMO_PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();

    // Live: a step is seen running with some done before it and some still waiting after it.
    await expect
      .poll(async () => stepStates(page), { timeout: 15_000, interval: 100 })
      .toEqual(expect.arrayContaining(['done', 'running', 'pending']));
    await screenshot(page, 'unlock-progress');

    // The phone goes away mid-unlock; coming back, Home leads to the unlock still running.
    await page.goto(agent.url);
    await page.getByRole('link', { name: 'Show progress' }).click();
    await expect
      .poll(() => testIdText(page, 'outcome'), { timeout: 30_000 })
      .toBe('Immich is running');
    const steps = await page.getByTestId('steps').getByRole('listitem').allTextContents();
    expect(steps.length).toBeGreaterThanOrEqual(5);
    for (const step of steps) expect(step).toMatch(/, done(\d+\.\d s|\d+ s|\d+ min( \d+ s)?)$/);
    expect(steps.join(' ')).toMatch(/Opening the drive.*Immich/);
    await screenshot(page, 'unlock-done');
    await sandbox.slowUnit('immich-server.service', null);
  });

  it('shows Home running with its services', async () => {
    await page.getByRole('link', { name: 'Go to Home' }).click();
    await expect.poll(() => testIdText(page, 'drive-state'), { timeout: 10_000 }).toBe('running');
    const units = await page.getByTestId('units').getByRole('listitem').allTextContents();
    expect(units).toEqual(['Postgresrunning', 'Immichrunning', 'Machine learningrunning']);
    await screenshot(page, 'unlock-home-running');
  });

  it('locks after a confirmation, live, back to Locked', async () => {
    await page.getByRole('button', { name: 'Lock', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Lock the drive?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Immich stops until you unlock again.');
    await screenshot(page, 'lock-confirm');
    // Cancel really cancels.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await testIdText(page, 'drive-state')).toBe('running');

    await page.getByRole('button', { name: 'Lock', exact: true }).click();
    await dialog.getByRole('button', { name: 'Lock' }).click();
    await page.getByRole('heading', { name: 'Lock', exact: true }).waitFor();
    await expect.poll(() => testIdText(page, 'outcome'), { timeout: 30_000 }).toBe('Locked');
    expect(await stepStates(page)).not.toContain('failed');
    await screenshot(page, 'lock-done');
    await page.getByRole('link', { name: 'Go to Home' }).click();
    await expect.poll(() => testIdText(page, 'drive-state'), { timeout: 10_000 }).toBe('locked');
  });

  it('says plainly that the drive is not connected', async () => {
    if (!agent) throw new Error('agent not started');
    await sandbox.unplugDrive();
    await expect.poll(() => testIdText(page, 'drive-state'), { timeout: 10_000 }).toBe('missing');
    expect(await page.getByRole('link', { name: 'Unlock' }).count()).toBe(0);
    await screenshot(page, 'unlock-home-missing');
    // Straight to the address, as a bookmark would: the form says so, and so does a try.
    await page.goto(new URL('/unlock', agent.url).href);
    await page.getByText('The drive is not connected. Plug it into the Pi first.').waitFor();
    await page.getByLabel('Drive passphrase').fill(DEMO_PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await page.getByText('Plug it into the Pi, then try again.').waitFor({ timeout: 15_000 });
    await screenshot(page, 'unlock-drive-missing');
    await sandbox.plugDrive();
  });

  it('names a unit that failed to start and shows its last log lines as text', async () => {
    if (!agent) throw new Error('agent not started');
    await sandbox.failUnit(ML, true, ['model failed to load', '<b>not markup</b>']);
    await page.goto(agent.url);
    await expect.poll(() => testIdText(page, 'drive-state'), { timeout: 10_000 }).toBe('locked');
    await page.getByRole('link', { name: 'Unlock' }).click();
    await page.getByLabel('Drive passphrase').fill(DEMO_PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await expect
      .poll(() => testIdText(page, 'outcome'), { timeout: 30_000 })
      .toBe('Machine learning failed to start.');
    const log = await testIdText(page, 'log-lines');
    expect(log).toContain('model failed to load');
    expect(log).toContain('<b>not markup</b>');
    expect(await page.locator('pre b').count()).toBe(0);
    await screenshot(page, 'unlock-unit-failed');
    await sandbox.failUnit(ML, false);
  });

  it('never broke its content security policy', () => {
    expect(violations).toEqual([]);
  });
});

async function stepStates(page: Page): Promise<string[]> {
  return page
    .locator('[data-testid="steps"] li')
    .evaluateAll((items) => items.map((item) => item.getAttribute('data-state') ?? ''));
}
