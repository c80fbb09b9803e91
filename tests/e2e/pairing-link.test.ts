// Another device by QR code in real Chromium (issue 16): an admin makes a code on Devices, the QR
// code on screen decodes to the pairing link, the link opens Pair on a second phone with the code
// filled in, and Activity names both devices (the revoked one too) among the backup runs, with
// relative times. Screenshots: tests/artifacts/devices-qr*.png and activity-named*.png.
import jsQR from 'jsqr';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe.ts';
import {
  openPhone,
  type Phone,
  pairInApp,
  type Rig,
  screenshot,
  startRig,
  testIdText,
} from './harness.ts';

const SECOND_NAME = 'Kitchen tablet';

/**
 * readQr decodes the QR code the page draws: its SVG path, one rectangle per run of dark modules,
 * is drawn back into pixels here and read by jsQR, so what is checked is what a camera would see.
 */
async function readQr(page: Page): Promise<string | null> {
  const svg = page.getByRole('img', { name: 'QR code to pair a device' });
  const [viewBox, d] = await Promise.all([
    svg.getAttribute('viewBox'),
    svg.locator('path').getAttribute('d'),
  ]);
  const side = Number(viewBox?.split(' ')[2]);
  const scale = 4;
  const width = side * scale;
  const data = new Uint8ClampedArray(width * width * 4).fill(255);
  for (const [, x, y, w] of (d ?? '').matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    for (let row = Number(y) * scale; row < (Number(y) + 1) * scale; row++) {
      const from = (row * width + Number(x) * scale) * 4;
      for (let at = from; at < from + Number(w) * scale * 4; at += 4) data.fill(0, at, at + 3);
    }
  }
  return jsQR(data, width, width)?.data ?? null;
}

/** pageWidth is how wide the laid-out page is: a phone layout must not scroll sideways. */
const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

describe('pairing another device by QR code in Chromium', () => {
  let rig: Rig | null = null;
  let second: Phone | null = null;
  let admin: Page;
  let origin: string;
  let link = '';

  beforeAll(async () => {
    rig = await startRig({}, async (made) => {
      await made.seedBackupHistory({ days: 6, lastRunEndedAt: Date.now() - 2 * 3_600_000 });
    });
    origin = new URL(rig.agent.url).origin;
    admin = rig.phone.page;
    await pairInApp(admin, rig.agent.url, rig.sandbox.configPath);
    await admin.getByTestId('status').waitFor();
  });

  afterAll(async () => {
    await second?.close();
    await rig?.close();
  });

  it('shows a QR code of the pairing link when a code is made, and copies the link', async () => {
    await admin.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    await admin.getByRole('link', { name: 'Settings' }).click();
    await admin.getByRole('link', { name: /^Devices/ }).click();
    await admin.getByRole('button', { name: 'Make a pairing code' }).click();
    await expect.poll(() => testIdText(admin, 'new-code')).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const code = (await testIdText(admin, 'new-code')) ?? '';
    // The link is on the address the Pi is configured to be opened at, as the CLI prints it.
    link = `${new URL(rig?.sandbox.config.publicUrl ?? '').origin}/pair#code=${code}`;
    expect(await readQr(admin)).toBe(link);
    expect(await testIdText(admin, 'pairing-url')).toBe(link);

    // Linux Chromium has no Web Share, so the link is copied.
    await admin.getByRole('button', { name: 'Copy link' }).click();
    await admin.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(link);
    expect(await pageWidth(admin)).toBe(390);
    await admin.getByRole('img', { name: 'QR code to pair a device' }).scrollIntoViewIfNeeded();
    await screenshot(admin, 'devices-qr');
    expect(await axeViolations(admin)).toEqual([]);
    await admin.emulateMedia({ colorScheme: 'dark' });
    await screenshot(admin, 'devices-qr-dark');
    expect(await axeViolations(admin)).toEqual([]);
    await admin.emulateMedia({ colorScheme: 'light' });
  });

  it('opens Pair on the other phone with the code filled in, and pairs it', async () => {
    second = await openPhone();
    const page = second.page;
    await page.goto(link);
    const field = page.getByLabel('Pairing code');
    await field.waitFor();
    expect(await field.inputValue()).toBe(link.split('#code=')[1]);
    // The code leaves the address bar once read.
    expect(page.url()).toBe(link.split('#')[0]);
    await page.getByLabel('Name for this device').fill(SECOND_NAME);
    await page.getByRole('button', { name: 'Pair', exact: true }).click();
    await page.getByRole('heading', { name: 'Paired' }).waitFor();
    expect(second.violations).toEqual([]);
  });

  it('names each entry’s device in Activity, a revoked one too, among backup runs', async () => {
    // Revoke the second device: its entries keep the name it had.
    await admin.reload();
    const row = admin.getByTestId('device').filter({ hasText: SECOND_NAME });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await admin
      .getByRole('dialog', { name: `Revoke “${SECOND_NAME}”?` })
      .getByRole('button', { name: 'Revoke' })
      .click();
    await row.waitFor({ state: 'detached' });

    await admin.getByRole('link', { name: 'Settings' }).first().click();
    await admin.getByRole('link', { name: /^Activity/ }).click();
    const entries = admin
      .getByRole('list', { name: 'Activity, newest first' })
      .getByRole('listitem');
    const paired = entries.filter({ hasText: 'Device paired' });
    await paired.first().waitFor();
    const secondPaired = paired.filter({ hasText: `“${SECOND_NAME}” was paired` });
    expect(await secondPaired.getByTestId('activity-device').textContent()).toBe(
      `Device: ${SECOND_NAME} (removed)`,
    );
    expect(await secondPaired.locator('time').textContent()).toMatch(/^(just now|\d+ min ago)$/);
    const revoked = entries.filter({ hasText: 'Device revoked' });
    expect(await revoked.getByTestId('activity-device').textContent()).toBe(
      'Device: Android phone',
    );

    // The seeded nightly runs: the newest two hours ago, the fourth night back failed.
    const runs = admin.getByTestId('activity-backup');
    expect(await runs.count()).toBe(6);
    expect(await runs.first().textContent()).toMatch(/^Backup finished(Today|Yesterday) \d\d:\d\d/);
    expect(await runs.filter({ hasText: 'Backup failed' }).count()).toBe(1);
    expect(await pageWidth(admin)).toBe(390);
    await screenshot(admin, 'activity-named', { fullPage: true });
    expect(await axeViolations(admin)).toEqual([]);
    await admin.emulateMedia({ colorScheme: 'dark' });
    await screenshot(admin, 'activity-named-dark', { fullPage: true });
    expect(await axeViolations(admin)).toEqual([]);
    await admin.emulateMedia({ colorScheme: 'light' });

    // A run's entry opens the run's own page; Back returns to Activity.
    await runs.filter({ hasText: 'Backup failed' }).getByRole('link').click();
    await admin.getByTestId('backup-detail').waitFor();
    expect(new URL(admin.url()).pathname).toMatch(/^\/backups\/[\w-]+$/);
    expect(await admin.getByTestId('backup-detail').getAttribute('data-result')).toBe('failed');
    await admin.goBack();
    await runs.first().waitFor();
  });

  it('shares the link through the phone’s share sheet where there is one', async () => {
    // A phone's Web Share, stood in for: Linux Chromium has none. It keeps what it was given.
    await admin.addInitScript(() => {
      Object.defineProperty(navigator, 'share', {
        value: async (data: ShareData) => {
          (window as unknown as { shared: ShareData[] }).shared.push(data);
        },
      });
      (window as unknown as { shared: ShareData[] }).shared = [];
    });
    await admin.goto(new URL('/devices', origin).href);
    await admin.getByRole('button', { name: 'Make a pairing code' }).click();
    await expect.poll(() => testIdText(admin, 'new-code')).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const shown = (await testIdText(admin, 'pairing-url')) ?? '';
    expect(await admin.getByRole('button', { name: 'Copy link' }).count()).toBe(0);
    await admin.getByRole('button', { name: 'Share link' }).click();
    const shared = () =>
      admin.evaluate(() => (window as unknown as { shared: ShareData[] }).shared);
    await expect.poll(async () => (await shared()).length).toBe(1);
    expect(await shared()).toEqual([{ title: 'Pair with immich-pi', url: shown }]);
    expect(shown).toMatch(/\/pair#code=[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  });

  it('on an iPhone in Safari, says to add it to the home screen first, with the code to type', async () => {
    // iOS Safari's own signals, stood in for: its user agent and navigator.standalone false
    // outside the home-screen app. Safari's storage is not the app's, so nothing is paired here.
    const iphone = await openPhone();
    try {
      await iphone.page.addInitScript(() => {
        const ua =
          'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
        Object.defineProperty(navigator, 'userAgent', { get: () => ua });
        Object.defineProperty(navigator, 'standalone', { get: () => false });
      });
      await iphone.page.goto(link);
      const notice = iphone.page.getByText('Pair from the home-screen app.');
      await notice.waitFor();
      const words = (await iphone.page.locator('main').textContent()) ?? '';
      expect(words).toMatch(/Tap Share, then Add to Home Screen/);
      expect(words).toContain(link.split('#code=')[1]);
      expect(await iphone.page.getByLabel('Pairing code').count()).toBe(0);
      expect(await iphone.page.getByRole('button', { name: 'Pair', exact: true }).count()).toBe(0);
      expect(await pageWidth(iphone.page)).toBe(390);
      expect(await axeViolations(iphone.page)).toEqual([]);
      await screenshot(iphone.page, 'pair-iphone-install-first');
      expect(iphone.violations).toEqual([]);
    } finally {
      await iphone.close();
    }
  });

  it('never broke its content security policy', () => {
    expect(rig?.phone.violations).toEqual([]);
  });
});
