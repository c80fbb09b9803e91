// A new phone in real Chromium: first run, pairing with a CLI code, live status, installable, offline.
import { mkdir, rm } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxPi, type SandboxPi } from '../../sandbox-pi/index.ts';
import {
  freePort,
  mintPairingCode,
  openPhone,
  type Phone,
  PWA_DIR,
  type RunningAgent,
  requireBuild,
  screenshot,
  startAgent,
  testIdText,
} from './harness.ts';

describe('pairing a phone in Chromium', () => {
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
    await sandbox.setTemperature(51.3);
    agent = await startAgent(sandbox.configPath);
    phone = await openPhone();
    ({ page, violations } = phone);
  });

  afterAll(async () => {
    await phone?.close();
    await agent?.stop();
    await sandbox?.remove();
  });

  it('shows the first-run screen, pairs with a CLI code, and shows live status', async () => {
    if (!agent) throw new Error('agent not started');
    const minted = await mintPairingCode(sandbox.configPath);
    expect(minted.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);

    // The address bar must change in the same commit as the screen, not after a paint: a
    // MutationObserver's callback (a microtask right after the commit) notes the path the first
    // screen heading appeared with.
    await page.addInitScript(() => {
      const seen = window as unknown as { pathAtFirstHeading?: string };
      new MutationObserver((_, observer) => {
        if (!document.querySelector('h1')) return;
        seen.pathAtFirstHeading = location.pathname;
        observer.disconnect();
      }).observe(document, { childList: true, subtree: true });
    });
    const response = await page.goto(agent.url);
    expect(response?.headers()['content-security-policy']).toContain(
      "require-trusted-types-for 'script'",
    );
    await page.getByRole('heading', { name: 'Welcome to immich-pi' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/welcome');
    const pathAtFirstHeading = await page.evaluate(
      () => (window as unknown as { pathAtFirstHeading?: string }).pathAtFirstHeading,
    );
    expect(pathAtFirstHeading).toBe('/welcome');
    // The welcome is lazy: its heading shows while the rest loads.
    await page.getByText('Install app').first().waitFor({ state: 'attached' });
    await screenshot(page, 'first-run');

    await page.getByRole('button', { name: 'Pair with your Pi' }).click();
    const fingerprint = page.getByTestId('fingerprint');
    await fingerprint.waitFor();
    expect(await fingerprint.textContent()).toBe(minted.fingerprint);

    // Typed as a person might: lower case, no dash. The field shows the canonical form.
    const codeField = page.getByLabel('Pairing code');
    await codeField.pressSequentially(minted.code.toLowerCase().replace('-', ''));
    expect(await codeField.inputValue()).toBe(minted.code);
    expect(await page.getByLabel('Name for this device').inputValue()).toBe('Android phone');
    await screenshot(page, 'pair');
    await page.getByRole('button', { name: 'Pair', exact: true }).click();

    await page.getByRole('heading', { name: 'Paired' }).waitFor();
    await page.getByRole('button', { name: 'Go to Home' }).click();
    await expect.poll(() => testIdText(page, 'drive-state'), { timeout: 10_000 }).toBe('locked');
    expect(await testIdText(page, 'temperature')).toBe('51.3 °C');
    expect(await testIdText(page, 'power')).toBe('OK');
    expect(await testIdText(page, 'connection')).toMatch(/^Live · updated/);
  });

  it('shows a new temperature within a few seconds', async () => {
    await sandbox.setTemperature(63.2);
    await expect
      .poll(() => testIdText(page, 'temperature'), { timeout: 8_000, interval: 250 })
      .toBe('63.2 °C');
    await screenshot(page, 'home');
  });

  it('lists this device, makes a code for another, and shows the pairing in Activity', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('link', { name: /^Devices/ }).click();
    const thisDevice = page.getByRole('listitem').filter({ hasText: 'this device' });
    await thisDevice.waitFor();
    expect(await thisDevice.textContent()).toContain('Android phone');
    await page.getByRole('button', { name: 'Make a pairing code' }).click();
    await expect.poll(() => testIdText(page, 'new-code')).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await screenshot(page, 'devices');

    await page.getByRole('link', { name: 'Settings' }).first().click();
    await page.getByRole('link', { name: /^Activity/ }).click();
    const paired = page.getByRole('listitem').filter({ hasText: 'Device paired' });
    await paired.waitFor();
    expect(await paired.textContent()).toContain('“Android phone” was paired as an admin.');
    await screenshot(page, 'activity');
    await page.getByRole('link', { name: 'Home' }).click();
    await page.getByTestId('status').waitFor();
  });

  it('is installable', async () => {
    // Chromium judges installability with the service worker in place, so wait for it.
    const state = await page.evaluate(
      async () => (await navigator.serviceWorker.ready).active?.state,
    );
    expect(state).toBe('activated');
    const cdp = await page.context().newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
    await cdp.detach();
  });

  it('shows the last status, greyed, and from when, when the Pi is gone', async () => {
    // Home polls every 3 s: the last status came in the 4 s before the stop, and the bar says
    // the minute it came, in the phone's own format.
    const stoppedAt = await page.evaluate(() => Date.now());
    await agent?.stop();
    agent = null;
    await page.reload();
    const bar = page.getByTestId('offline-bar');
    await bar.waitFor({ timeout: 10_000 });
    const minutes = await page.evaluate(
      (at) =>
        [at - 4000, at].map((ms) =>
          new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }),
        ),
      stoppedAt,
    );
    const said = await bar.textContent();
    expect(minutes.map((time) => `Can’t reach the Pi · showing data from ${time}Retry`)).toContain(
      said,
    );
    expect(await testIdText(page, 'drive-state')).toBe('locked');
    expect(await testIdText(page, 'temperature')).toBe('63.2 °C');
    expect(await page.getByTestId('status').getAttribute('class')).toContain('is-stale');
    await screenshot(page, 'home-offline');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'home-offline-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('stops at a Pi whose identity key changed, and offers to pair again', async () => {
    // A reinstalled Pi (or something in its place) has a new identity key and knows no devices.
    await rm(sandbox.config.stateDir, { recursive: true, force: true });
    await mkdir(sandbox.config.stateDir, { recursive: true });
    agent = await startAgent(sandbox.configPath);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.reload();
    await page.getByRole('heading', { name: 'The Pi’s identity changed' }).waitFor();
    await screenshot(page, 'agent-key-changed');
    await page.getByRole('button', { name: 'Forget this Pi and pair again' }).click();
    await page.getByRole('heading', { name: 'Welcome to immich-pi' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/welcome');
  });

  it('never broke its content security policy', () => {
    expect(violations).toEqual([]);
  });
});
