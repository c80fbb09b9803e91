// Unlock and lock in real Chromium against the real agent, helper and cryptsetup of the sandbox Pi.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxPi, DEMO_PASSPHRASE, type SandboxPi } from '../fixtures/sandbox-pi/index.ts';
import {
  ARTIFACTS,
  freePort,
  mintPairingCode,
  openPhone,
  type Phone,
  PWA_DIR,
  type RunningAgent,
  requireBuild,
  startAgent,
} from './harness.ts';

const ML = 'immich-machine-learning.service';

describe('unlocking and locking in Chromium', () => {
  let sandbox: SandboxPi;
  let agent: RunningAgent | null = null;
  let phone: Phone | null = null;
  let page: Page;
  let violations: string[] = [];

  beforeAll(async () => {
    requireBuild();
    sandbox = await createSandboxPi({
      port: await freePort(),
      pwaDir: PWA_DIR,
      sampleIntervalSeconds: 1,
    });
    if (!sandbox.cryptsetupAvailable) throw new Error('this test needs cryptsetup installed');
    agent = await startAgent(sandbox.configPath);
    phone = await openPhone();
    ({ page, violations } = phone);
  });

  afterAll(async () => {
    await phone?.close();
    await agent?.stop();
    await sandbox?.remove();
  });

  it('pairs, and Home says the drive is locked and offers Unlock', async () => {
    if (!agent) throw new Error('agent not started');
    const minted = await mintPairingCode(sandbox.configPath);
    await page.goto(new URL('/pair', agent.url).href);
    await page.getByLabel('Pairing code').fill(minted.code);
    await page.getByRole('button', { name: 'Pair', exact: true }).click();
    await page.getByRole('button', { name: 'Go to Home' }).click();
    await expect.poll(() => text(page, 'drive-state'), { timeout: 10_000 }).toBe('locked');
    await page.getByRole('link', { name: 'Unlock' }).waitFor();
    await shoot(page, 'unlock-home-locked');
  });

  it('says a wrong passphrase plainly, with the tries left', async () => {
    await page.getByRole('link', { name: 'Unlock' }).click();
    const field = page.getByLabel('Drive passphrase');
    await field.fill('not the passphrase');
    await shoot(page, 'unlock-form');
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await expect
      .poll(() => text(page, 'outcome'), { timeout: 15_000 })
      .toMatch(/^Wrong passphrase\. [1-4] tries? left before a wait\.$/);
    expect(await field.inputValue()).toBe('');
    await shoot(page, 'unlock-wrong-passphrase');
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
    await shoot(page, 'unlock-progress');

    // The phone goes away mid-unlock; coming back, Home leads to the unlock still running.
    await page.goto(agent.url);
    await page.getByRole('link', { name: 'Show progress' }).click();
    await expect.poll(() => text(page, 'outcome'), { timeout: 30_000 }).toBe('Immich is running');
    const steps = await page.getByTestId('steps').getByRole('listitem').allTextContents();
    expect(steps.length).toBeGreaterThanOrEqual(5);
    for (const step of steps) expect(step).toMatch(/, done(\d+\.\d s|\d+ s|\d+ min( \d+ s)?)$/);
    expect(steps.join(' ')).toMatch(/Opening the drive.*Immich/);
    await shoot(page, 'unlock-done');
    await sandbox.slowUnit('immich-server.service', null);
  });

  it('shows Home running with its services', async () => {
    await page.getByRole('link', { name: 'Go to Home' }).click();
    await expect.poll(() => text(page, 'drive-state'), { timeout: 10_000 }).toBe('running');
    const units = await page.getByTestId('units').getByRole('listitem').allTextContents();
    expect(units).toEqual(['Postgresrunning', 'Immichrunning', 'Machine learningrunning']);
    await shoot(page, 'unlock-home-running');
  });

  it('locks after a confirmation, live, back to Locked', async () => {
    await page.getByRole('button', { name: 'Lock', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Lock the drive?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Immich stops until you unlock again.');
    await shoot(page, 'lock-confirm');
    // Cancel really cancels.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await text(page, 'drive-state')).toBe('running');

    await page.getByRole('button', { name: 'Lock', exact: true }).click();
    await dialog.getByRole('button', { name: 'Lock' }).click();
    await page.getByRole('heading', { name: 'Lock', exact: true }).waitFor();
    await expect.poll(() => text(page, 'outcome'), { timeout: 30_000 }).toBe('Locked');
    expect(await stepStates(page)).not.toContain('failed');
    await shoot(page, 'lock-done');
    await page.getByRole('link', { name: 'Go to Home' }).click();
    await expect.poll(() => text(page, 'drive-state'), { timeout: 10_000 }).toBe('locked');
  });

  it('says plainly that the drive is not connected', async () => {
    if (!agent) throw new Error('agent not started');
    await sandbox.unplugDrive();
    await expect.poll(() => text(page, 'drive-state'), { timeout: 10_000 }).toBe('missing');
    expect(await page.getByRole('link', { name: 'Unlock' }).count()).toBe(0);
    await shoot(page, 'unlock-home-missing');
    // Straight to the address, as a bookmark would: the form says so, and so does a try.
    await page.goto(new URL('/unlock', agent.url).href);
    await page.getByText('The drive is not connected. Plug it into the Pi first.').waitFor();
    await page.getByLabel('Drive passphrase').fill(DEMO_PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await page.getByText('Plug it into the Pi, then try again.').waitFor({ timeout: 15_000 });
    await shoot(page, 'unlock-drive-missing');
    await sandbox.plugDrive();
  });

  it('names a unit that failed to start and shows its last log lines as text', async () => {
    if (!agent) throw new Error('agent not started');
    await sandbox.failUnit(ML, true, ['model failed to load', '<b>not markup</b>']);
    await page.goto(agent.url);
    await expect.poll(() => text(page, 'drive-state'), { timeout: 10_000 }).toBe('locked');
    await page.getByRole('link', { name: 'Unlock' }).click();
    await page.getByLabel('Drive passphrase').fill(DEMO_PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await expect
      .poll(() => text(page, 'outcome'), { timeout: 30_000 })
      .toBe('Machine learning failed to start.');
    const log = await text(page, 'log-lines');
    expect(log).toContain('model failed to load');
    expect(log).toContain('<b>not markup</b>');
    expect(await page.locator('pre b').count()).toBe(0);
    await shoot(page, 'unlock-unit-failed');
    await sandbox.failUnit(ML, false);
  });

  it('never broke its content security policy', () => {
    expect(violations).toEqual([]);
  });
});

async function text(page: Page, testId: string): Promise<string | null> {
  const element = page.getByTestId(testId);
  return (await element.count()) > 0 ? element.first().textContent() : null;
}

async function stepStates(page: Page): Promise<string[]> {
  return page
    .locator('[data-testid="steps"] li')
    .evaluateAll((items) => items.map((item) => item.getAttribute('data-state') ?? ''));
}

async function shoot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}
