// Push alerts in real Chromium: the Settings flow, a push to the real service worker, its click,
// the Alerts screen and Home's chart. PushManager.subscribe is stubbed: headless Chromium has no
// push service, so the page gets a subscription with a real P-256 key made here.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxPi } from '../../sandbox-pi/index.ts';
import { pairInApp, type Rig, screenshot, startRig, testIdText } from './harness.ts';
import {
  clickNotification,
  deliverUntilShown,
  fakeSubscription,
  lockedAfterBootPush,
  serviceWorkerRegistration,
  stubPushManager,
} from './push-delivery.ts';

// Allowed by config only: nothing answers there, so deliveries fail (and Home can say so).
const PUSH_ORIGIN = 'https://push.example.test';

describe('push alerts in Chromium', () => {
  let rig: Rig | null = null;
  let sandbox: SandboxPi;
  let page: Page;
  let violations: string[] = [];
  let origin: string;

  beforeAll(async () => {
    rig = await startRig({ push: { extraOrigins: [PUSH_ORIGIN] } }, (made) =>
      made.setTemperature(55.4),
    );
    sandbox = rig.sandbox;
    origin = new URL(rig.agent.url).origin;
    ({ page, violations } = rig.phone);
    await page.context().grantPermissions(['notifications'], { origin });
    await page.addInitScript(stubPushManager, fakeSubscription(PUSH_ORIGIN));
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('turns notifications on from Settings and the agent keeps the subscription', async () => {
    await pairInApp(page, origin, sandbox.configPath);
    await page.getByTestId('status').waitFor();

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Turn on notifications' }).click();
    // The endpoint's origin in this line comes back from the agent's GET /push/subscriptions.
    await expect
      .poll(() => testIdText(page, 'push-state'), { timeout: 10_000 })
      .toBe(`On. Alerts reach this device through ${PUSH_ORIGIN}.`);
    const timeZone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(await testIdText(page, 'time-zone')).toContain(timeZone);

    await page.getByRole('button', { name: 'Send a test notification' }).click();
    await page.getByTestId('push-tested').waitFor();

    // Quiet hours are saved by sending the subscription again; the agent hands them back.
    await page.getByLabel('Hold back alerts at night').check();
    await page.getByLabel('From').fill('23:15');
    await page.getByRole('button', { name: 'Save quiet hours' }).click();
    await expect.poll(() => page.getByLabel('Hold back alerts at night').isEnabled()).toBe(true);
    await screenshot(page, 'push-settings', { fullPage: true });

    // After a reload the app still finds the subscription in the browser and at the agent.
    await page.reload();
    await expect.poll(() => testIdText(page, 'push-state'), { timeout: 10_000 }).toMatch(/^On\. /);
  });

  it('shows a pushed alert with its title and tag, and something for a broken push', async () => {
    const cdp = await page.context().newCDPSession(page);
    const registrationId = await serviceWorkerRegistration(cdp, origin);
    const expected = [{ title: 'Pi restarted: storage is locked', tag: 'locked-after-boot' }];
    await deliverUntilShown(
      page,
      cdp,
      { origin, registrationId, data: lockedAfterBootPush(origin) },
      expected,
    );
    // A payload that is not the agent's still shows a notification.
    await deliverUntilShown(page, cdp, { origin, registrationId, data: 'oops' }, [
      { title: 'immich-pi', tag: '' },
      ...expected,
    ]);
    await cdp.detach();
  });

  it('opens the notification’s screen when it is clicked', async () => {
    // CDP cannot click a notification: clickNotification dispatches the real worker's event.
    await page.goto(new URL('/', origin).href);
    await page.getByTestId('status').waitFor();
    await clickNotification(page, 'locked-after-boot');
    await expect.poll(() => new URL(page.url()).pathname, { timeout: 10_000 }).toBe('/unlock');
    await page.getByLabel('Drive passphrase').waitFor();
  });

  it('lists alerts with times and snoozes one', async () => {
    await page.goto(new URL('/alerts', origin).href);
    const active = page.getByTestId('active-alerts').getByRole('listitem').first();
    await active.waitFor({ timeout: 15_000 });
    expect(await active.textContent()).toContain('since');
    await active.getByRole('button', { name: /for 1 hour$/ }).click();
    await active.getByText('Notifications held back until').waitFor();
    await screenshot(page, 'push-alerts', { fullPage: true });
  });

  it('shows active alerts and a 24-hour chart on Home', async () => {
    await page.goto(new URL('/', origin).href);
    await page.getByTestId('home-alerts').waitFor({ timeout: 10_000 });
    // Right after start the agent has one 5-minute bucket and the chart says it is filling in;
    // two when the clock passed a bucket boundary since, and then it draws them.
    await page
      .getByText('Not enough samples yet')
      .or(page.getByTestId('temperature-chart'))
      .waitFor({ timeout: 15_000 });

    // A day of history cannot be waited for: this answer stands in for the agent's.
    await page.route('**/api/v1/history/temperature', (route) =>
      route.fulfill({ json: dayOfTemperatures(Date.now()) }),
    );
    await page.reload();
    const chart = page.getByTestId('temperature-chart');
    await chart.waitFor({ timeout: 10_000 });
    expect(await chart.getAttribute('role')).toBe('slider');
    expect(await chart.getAttribute('aria-label')).toMatch(
      /^Temperature over the last 24 hours: lowest \d+\.\d °C, highest \d+\.\d °C, now \d+\.\d °C\. Tap/,
    );
    await page.getByRole('heading', { name: 'Temperature, last 24 hours' }).waitFor();
    expect(await chart.locator('text').count()).toBeGreaterThanOrEqual(8);
    // Labels stay readable on a phone: at least 11 CSS pixels as drawn, not as authored.
    const smallest = await chart.evaluate((svg) =>
      Math.min(...[...svg.querySelectorAll('text')].map((t) => t.getBoundingClientRect().height)),
    );
    expect(smallest).toBeGreaterThanOrEqual(11);

    // A tap reads the bucket under the finger; the arrow keys step from it.
    const readout = page.getByTestId('chart-readout');
    expect(await readout.textContent()).toBe('Tap the chart to read a time.');
    await chart.click();
    const reading = /^\d\d:\d\d: \d+\.\d °C on average, \d+\.\d to \d+\.\d °C$/;
    await readout.filter({ hasText: reading }).waitFor();
    const tapped = await readout.textContent();
    expect(tapped).toMatch(reading);
    expect(await chart.getAttribute('aria-valuetext')).toBe(tapped);
    // The middle of a day's chart is about 12 hours ago, far from either end.
    const tappedAt = Number(await chart.getAttribute('aria-valuenow'));
    const last = Number(await chart.getAttribute('aria-valuemax'));
    expect(tappedAt).toBeGreaterThan(last / 4);
    expect(tappedAt).toBeLessThan((last * 3) / 4);
    await chart.focus();
    await page.keyboard.press('ArrowLeft');
    await page
      .locator(`[data-testid="temperature-chart"][aria-valuenow="${tappedAt - 1}"]`)
      .waitFor();
    expect(await readout.textContent()).toMatch(reading);
    expect(await readout.textContent()).not.toBe(tapped);
    await page.keyboard.press('End');
    await page.locator(`[data-testid="temperature-chart"][aria-valuenow="${last}"]`).waitFor();
    await screenshot(page, 'push-home-alerts-chart', { fullPage: true });
    await page.unroute('**/api/v1/history/temperature');
  });

  it('colours the power tile as its banner, and says it recovers while the alert stands', async () => {
    await sandbox.setUndervoltage(true);
    const banner = page
      .getByTestId('home-alerts')
      .getByRole('link', { name: /Pi power is too low/ });
    await banner.waitFor({ timeout: 15_000 });
    const power = page.getByTestId('power');
    await power.filter({ hasText: /^under-voltage$/ }).waitFor({ timeout: 10_000 });
    // Not critical, so amber: the tile's value in the banner's own colour, not red beside amber.
    const tileColour = await power.evaluate((el) => getComputedStyle(el).color);
    const bannerColour = await banner.evaluate((el) => getComputedStyle(el).borderLeftColor);
    expect(tileColour).toBe(bannerColour);
    await screenshot(page, 'push-home-undervoltage');

    // Power is good again, but the alert clears only after five good minutes (§10).
    await sandbox.setUndervoltage(false);
    await power.filter({ hasText: /^OK now$/ }).waitFor({ timeout: 10_000 });
    expect(await power.evaluate((el) => getComputedStyle(el).color)).toBe(bannerColour);
    expect(await banner.count()).toBe(1);
  });

  it('never broke its content security policy', () => {
    expect(violations).toEqual([]);
  });
});

function dayOfTemperatures(now: number) {
  const bucketSeconds = 300;
  const points = [];
  for (let at = now - 24 * 3_600_000; at <= now; at += bucketSeconds * 1000) {
    const hour = new Date(at).getHours();
    const meanC = 52 + 8 * Math.sin((hour / 24) * 2 * Math.PI) + (at % 7) / 7;
    points.push({ at, minC: meanC - 1.5, maxC: meanC + 2, meanC });
  }
  return { bucketSeconds, points };
}
