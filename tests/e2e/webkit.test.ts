// The app in Safari's engine: WebKitGTK's MiniBrowser pairs with a CLI code, shows Home and unlocks.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PASSPHRASE, type SandboxPi } from '../../sandbox-pi/index.ts';
import { launchWebKit, type WebDriverSession, type WebKit } from '../fixtures/webdriver.ts';
import {
  ARTIFACTS,
  mintPairingCode,
  type RunningAgent,
  type RunningPi,
  startPi,
} from './harness.ts';

const testId = (id: string) => ({ css: `[data-testid="${id}"]` });

describe('the app in WebKit (MiniBrowser over WebDriver)', () => {
  let pi: RunningPi | null = null;
  let sandbox: SandboxPi;
  let agent: RunningAgent;
  let webkit: WebKit | null = null;
  let browser: WebDriverSession;

  beforeAll(async () => {
    pi = await startPi({}, async (made) => {
      if (!made.cryptsetupAvailable) throw new Error('this test needs cryptsetup installed');
      // A few nights of runs: Backups has rows to open.
      await made.seedBackupHistory({ days: 3 });
    });
    ({ sandbox, agent } = pi);
    webkit = await launchWebKit();
    browser = webkit.session;
  });

  // A wait that times out says what it awaited; the page's own errors say why: keep both.
  beforeEach(({ task, onTestFailed }) => {
    onTestFailed(async () => {
      const errors = await browser?.pageErrors().catch((error: Error) => [error.message]);
      console.error(`${task.name}: the page recorded ${JSON.stringify(errors)}`);
      console.error(`the driver and Xvfb printed:\n${webkit?.output() ?? ''}`);
      await screenshot(browser, `failed-${task.name.split(' ')[0]}`).catch(() => {});
    });
  });

  afterAll(async () => {
    await webkit?.close();
    await pi?.close();
  });

  it('pairs with a CLI code and shows Home with the drive locked', async () => {
    const minted = await mintPairingCode(sandbox.configPath);
    await browser.navigate(agent.url);
    await browser.waitFor({ css: 'h1' }, 'Welcome to immich-pi');
    await browser.recordPageErrors();
    await browser.click(await browser.waitFor({ css: 'a, button' }, 'Pair with your Pi'));

    // The fingerprint shows once the app has checked the Pi's hello with WebCrypto Ed25519.
    expect(await browser.waitForText(testId('fingerprint'), (text) => text !== '')).toBe(
      minted.fingerprint,
    );
    const codeField = await browser.waitFor({ css: 'input' }, /^Pairing code\b/);
    await browser.type(codeField, minted.code.toLowerCase().replace('-', ''));
    expect(await browser.property(codeField, 'value')).toBe(minted.code);
    await screenshot(browser, 'pair');
    await browser.click(await browser.waitFor({ css: 'button' }, 'Pair'));

    await browser.waitFor({ css: 'h1' }, 'Paired', 15_000);
    await browser.click(await browser.waitFor({ css: 'button' }, 'Go to Home'));
    await browser.waitForText(testId('drive-state'), (text) => text === 'Locked');
    expect(await browser.waitForText(testId('connection'), (text) => text !== '')).toMatch(
      /^Live · updated/,
    );
    expect(await browser.pageErrors()).toEqual([]);
    await screenshot(browser, 'home-locked');
  });

  it('keeps its key in IndexedDB and its service worker across a reload', async () => {
    // Home signs its status requests with the non-extractable key read back from IndexedDB.
    await browser.navigate(agent.url);
    await browser.recordPageErrors();
    await browser.waitForText(testId('drive-state'), (text) => text === 'Locked');
    expect(await browser.waitForText(testId('connection'), (text) => text !== '')).toMatch(
      /^Live · updated/,
    );
    const worker = await browser.executeAsync<string | null>(
      'const done = arguments[0]; navigator.serviceWorker.ready.then((r) => done(r.active?.state ?? null));',
    );
    expect(worker).toBe('activated');
  });

  it('moves between the places with the tab bar, the current one marked', async () => {
    const tabs = { css: 'nav[aria-label="Main"] a' };
    const current = () =>
      browser.execute<string | null>(
        'return document.querySelector(\'nav[aria-label="Main"] [aria-current]\')?.textContent ?? null',
      );
    expect(await current()).toBe('Home');
    await browser.click(await browser.waitFor(tabs, 'Backups'));
    await browser.waitFor({ css: 'h1' }, 'Backups');
    await browser.waitFor(testId('backups-summary'));
    expect(await current()).toBe('Backups');
    // A row opens its run's own page, under the Backups tab.
    const row = await browser.waitFor({ css: '[data-testid="backup-row"] a' });
    // Clear of the fixed tab bar, which a WebDriver click would otherwise land on.
    await browser.execute(
      'document.querySelector(\'[data-testid="backup-row"] a\').scrollIntoView({ block: "center" })',
    );
    await browser.click(row);
    await browser.waitFor({ css: 'h1' }, 'Backup run');
    await browser.waitFor(testId('backup-detail'));
    expect(await browser.execute<string>('return location.pathname')).toMatch(
      /^\/backups\/[\w-]+$/,
    );
    expect(await current()).toBe('Backups');
    await screenshot(browser, 'tabs-backup-run');
    await browser.click(await browser.waitFor(tabs, 'Settings'));
    await browser.waitFor({ css: 'h1' }, 'Settings');
    await browser.click(await browser.waitFor({ css: 'a' }, /^Devices/));
    await browser.waitFor({ css: 'h1' }, 'Devices');
    // Devices sits under Settings: its tab stays lit.
    expect(await current()).toBe('Settings');
    await screenshot(browser, 'tabs-devices');
    await browser.click(await browser.waitFor(tabs, 'Home'));
    await browser.waitForText(testId('drive-state'), (text) => text === 'Locked');
    expect(await browser.pageErrors()).toEqual([]);
  });

  it('unlocks with the demo passphrase, to Immich running', async () => {
    await browser.click(await browser.waitFor({ css: 'main a' }, 'Unlock'));
    const field = await browser.waitFor({ css: 'input' }, /^Drive passphrase\b/);
    await browser.type(field, DEMO_PASSPHRASE);
    await browser.click(await browser.waitFor({ css: 'button' }, 'Unlock'));
    await browser.waitForText(testId('outcome'), (text) => text === 'Immich is running', 30_000);
    await screenshot(browser, 'unlock-done');

    await browser.click(await browser.waitFor({ css: 'main a' }, 'Go to Home'));
    await browser.waitForText(testId('drive-state'), (text) => text === 'Running');
    await screenshot(browser, 'home-running');
    expect(await browser.pageErrors()).toEqual([]);
  });
});

/** screenshot saves what WebKit shows as tests/artifacts/webkit-<name>.png. */
async function screenshot(browser: WebDriverSession, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await writeFile(join(ARTIFACTS, `webkit-${name}.png`), await browser.screenshot());
}
