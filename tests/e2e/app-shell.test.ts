// The app around the screens in real Chromium: the tab bar on every screen, axe on each in light
// and dark, Alerts live and pulled to refresh, Settings' Pi card, and the whole app offline.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxPi } from '../../sandbox-pi/index.ts';
import { pairDevice } from '../fixtures/agent-process.ts';
import { axeViolations } from './axe.ts';
import {
  AGENT_BIN,
  mintPairingCode,
  pairInApp,
  type Rig,
  type RunningAgent,
  screenshot,
  startAgent,
  startRig,
  testIdText,
} from './harness.ts';

/** Every screen a paired admin reaches, the tab it sits under, and what shows once it loaded. */
const SCREENS: { name: string; path: string; tab: string; ready: (page: Page) => Locator }[] = [
  { name: 'home', path: '/', tab: 'Home', ready: (p) => p.getByTestId('drive-state') },
  {
    name: 'backups',
    path: '/backups',
    tab: 'Backups',
    ready: (p) => p.getByTestId('backups-summary'),
  },
  { name: 'alerts', path: '/alerts', tab: 'Alerts', ready: (p) => p.getByTestId('active-alerts') },
  {
    name: 'settings',
    path: '/settings',
    tab: 'Settings',
    ready: (p) => p.getByTestId('push-state'),
  },
  { name: 'devices', path: '/devices', tab: 'Settings', ready: devices },
  {
    name: 'activity',
    path: '/activity',
    tab: 'Settings',
    ready: (p) => p.getByRole('list', { name: 'Activity, newest first' }),
  },
  { name: 'unlock', path: '/unlock', tab: 'Home', ready: (p) => p.getByLabel('Drive passphrase') },
];

function devices(page: Page): Locator {
  return page.getByRole('list', { name: 'Paired devices' });
}

/** cli runs the built agent's command line and answers what it printed. */
async function cli(args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [AGENT_BIN, ...args], {
    timeout: 15_000,
  });
  return stdout;
}

describe('the app shell in Chromium', () => {
  let rig: Rig | null = null;
  let sandbox: SandboxPi;
  let page: Page;
  let violations: string[] = [];
  /** The agent running now: the offline test stops the rig's and starts another. */
  let agent: RunningAgent | null = null;

  beforeAll(async () => {
    rig = await startRig({}, (made) => made.setTemperature(52.5));
    sandbox = rig.sandbox;
    agent = rig.agent;
    ({ page, violations } = rig.phone);
    await pairInApp(page, agent.url, sandbox.configPath);
    await page.getByTestId('drive-state').waitFor();
  });

  afterAll(async () => {
    if (agent !== rig?.agent) await agent?.stop();
    await rig?.close();
  });

  const tabs = () => page.getByRole('navigation', { name: 'Main' }).getByRole('link');
  const tab = (name: string | RegExp) =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
  const open = async (path: string) => {
    await page.evaluate((to) => {
      history.pushState(null, '', to);
      dispatchEvent(new PopStateEvent('popstate'));
    }, path);
  };

  it('shows the tab bar on every screen, the right tab current, and axe finds nothing', async () => {
    for (const screen of SCREENS) {
      await open(screen.path);
      await screen.ready(page).first().waitFor({ timeout: 10_000 });
      expect(await tabs().allTextContents()).toEqual([
        'Home',
        'Backups',
        expect.stringMatching(/^Alerts(\(\d+ active\)\d+)?$/),
        'Settings',
      ]);
      const current = page.getByRole('navigation', { name: 'Main' }).locator('[aria-current]');
      expect({ screen: screen.name, current: await current.textContent() }).toEqual({
        screen: screen.name,
        current: expect.stringContaining(screen.tab),
      });
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        expect({ screen: screen.name, scheme, violations: await axeViolations(page) }).toEqual({
          screen: screen.name,
          scheme,
          violations: [],
        });
        await screenshot(page, `shell-${screen.name}${scheme === 'dark' ? '-dark' : ''}`);
      }
      await page.emulateMedia({ colorScheme: 'light' });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(390);
    }
  });

  it('reflows Home at 200% zoom: one tile per row, nothing wider than the screen', async () => {
    await open('/');
    await page.getByTestId('drive-state').waitFor();
    // 200% zoom on a 390 px phone leaves 195 CSS px (WCAG 1.4.10).
    await page.setViewportSize({ width: 195, height: 422 });
    const widths = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid="status"] > .tile')].map(
        (tile) => tile.getBoundingClientRect().width,
      ),
    );
    expect(widths.length).toBeGreaterThan(3);
    expect(Math.min(...widths)).toBe(Math.max(...widths));
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(195);
    await screenshot(page, 'shell-home-zoom-200');
    await page.setViewportSize({ width: 390, height: 844 });
  });

  it('draws Home on a return with nothing moving: lazy tiles and later stages (no layout shift)', async () => {
    // A return visit, as from the home screen: the status kept from the last one shows at once,
    // and the Immich and backup tiles come from lazy chunks among the others.
    const tab = await page.context().newPage();
    await tab.addInitScript(() => {
      const seen: number[] = [];
      (globalThis as unknown as { shifts: number[] }).shifts = seen;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries() as unknown as { value: number }[])
          seen.push(entry.value);
      }).observe({ type: 'layout-shift', buffered: true });
    });
    await tab.goto(new URL('/', agent?.url).href);
    await tab.getByTestId('home-backup').waitFor();
    await tab.getByTestId('disk-space').waitFor();
    // Two status polls later: whatever would move has moved.
    await tab.waitForTimeout(6500);
    const shifts = await tab.evaluate(() => (globalThis as unknown as { shifts: number[] }).shifts);
    await tab.close();
    expect(shifts).toEqual([]);
  });

  it('draws Home’s tiles top to bottom in stages, not in one long task', async () => {
    // Each batch of DOM changes the page makes in one go; a stage of Home's own is a batch.
    const tab = await page.context().newPage();
    await tab.addInitScript(() => {
      const batches: string[][] = [];
      (globalThis as unknown as { batches: string[][] }).batches = batches;
      new MutationObserver((records) => {
        const ids = records.flatMap((record) =>
          [...record.addedNodes].flatMap((node) =>
            node instanceof Element
              ? [node, ...node.querySelectorAll('[data-testid]')].flatMap(
                  (element) => element.getAttribute('data-testid') ?? [],
                )
              : [],
          ),
        );
        if (ids.length > 0) batches.push(ids);
      }).observe(document, { childList: true, subtree: true });
    });
    await tab.goto(new URL('/', agent?.url).href);
    await tab.getByTestId('disk-space').waitFor();
    const batches = await tab.evaluate(
      () => (globalThis as unknown as { batches: string[][] }).batches,
    );
    await tab.close();
    const batchOf = (id: string) => batches.findIndex((ids) => ids.includes(id));
    expect(batchOf('drive-state')).toBeGreaterThanOrEqual(0);
    expect(batchOf('disk-space')).toBeGreaterThan(batchOf('drive-state'));
  });

  it('starts Home on a return without waking ICU, and writes its times as Intl would', async () => {
    // The first Intl call of a page loads ICU in one 20–50 ms task (pwa/src/clock.ts): a return
    // to Home writes its times from the shapes learnt on an earlier visit.
    const tab = await page.context().newPage();
    await tab.addInitScript(() => {
      const calls: string[] = [];
      (globalThis as unknown as { icu: string[] }).icu = calls;
      for (const name of ['DateTimeFormat', 'NumberFormat', 'Collator', 'PluralRules'] as const) {
        const Real = Intl[name] as unknown as new (...args: unknown[]) => object;
        const Spy = (...args: unknown[]) => {
          calls.push(`Intl.${name}`);
          return new Real(...args);
        };
        Object.assign(Spy, Real);
        Object.defineProperty(Intl, name, { value: Spy, configurable: true, writable: true });
      }
      const spy = (proto: object, method: string) => {
        const real = (proto as Record<string, (...args: unknown[]) => unknown>)[method];
        Object.defineProperty(proto, method, {
          configurable: true,
          writable: true,
          value(this: unknown, ...args: unknown[]) {
            calls.push(method);
            return real?.apply(this, args);
          },
        });
      };
      for (const method of ['toLocaleString', 'toLocaleDateString', 'toLocaleTimeString'])
        spy(Date.prototype, method);
      spy(Number.prototype, 'toLocaleString');
      spy(String.prototype, 'localeCompare');
    });
    await tab.goto(new URL('/', agent?.url).href);
    await tab.getByTestId('home-backup').waitFor();
    await tab.getByTestId('home-alerts').waitFor();
    await tab.waitForTimeout(3500);
    const calls = await tab.evaluate(() => (globalThis as unknown as { icu: string[] }).icu);
    // The alert's time in the words Alerts uses, written from the kept shape.
    const since = await tab.getByTestId('home-alerts').locator('.hint').first().textContent();
    await tab.close();
    expect(calls).toEqual([]);
    expect(since).toMatch(/^since (just now|\d+ min ago|Today \d\d:\d\d( [AP]M)?)$/);
  });

  it('moves between screens with the tabs, and counts the active alerts on Alerts', async () => {
    await tab('Home').click();
    await page.getByTestId('drive-state').waitFor();
    // A fresh sandbox Pi has just booted, so "storage is locked" is active.
    const alertsTab = tab(/^Alerts \(\d+ active\)$/);
    await alertsTab.waitFor({ timeout: 10_000 });
    const count = Number((await alertsTab.textContent())?.match(/\d+/)?.[0]);
    expect(await page.getByTestId('home-alerts').getByRole('listitem').count()).toBe(count);
    await alertsTab.click();
    await page.getByTestId('active-alerts').waitFor();
    expect(new URL(page.url()).pathname).toBe('/alerts');
    await tab('Settings').click();
    await page.getByRole('link', { name: /^Devices/ }).click();
    await devices(page).waitFor();
    // Below a tab, the header leads back to it.
    await page.getByRole('banner').getByRole('link', { name: 'Settings' }).click();
    expect(new URL(page.url()).pathname).toBe('/settings');
  });

  it('updates Alerts while it is open, and on a pull down', async () => {
    await tab(/^Alerts/).click();
    const active = page.getByTestId('active-alerts');
    await active.waitFor();
    expect(await active.textContent()).not.toMatch(/power is too low/);
    await sandbox.setUndervoltage(true);
    // No reload, no tap: the screen asks again on its own.
    await expect.poll(() => active.textContent(), { timeout: 25_000 }).toMatch(/power is too low/);

    await sandbox.setUndervoltage(false);
    const cdp = await page.context().newCDPSession(page);
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', y: number) =>
      cdp.send('Input.dispatchTouchEvent', {
        type,
        touchPoints: type === 'touchEnd' ? [] : [{ x: 200, y }],
      });
    await touch('touchStart', 150);
    for (const y of [180, 220, 260, 300]) await touch('touchMove', y);
    expect(await testIdText(page, 'pull')).toBe('Release to refresh');
    await touch('touchEnd', 300);
    await cdp.detach();
    // The pull's refresh ends with the indicator gone.
    await expect.poll(() => page.getByTestId('pull').count(), { timeout: 10_000 }).toBe(0);
    await screenshot(page, 'alerts-live');
  });

  it('says in Settings which Pi this is, explains quiet hours while notifications are off', async () => {
    await tab('Settings').click();
    await expect.poll(() => testIdText(page, 'agent-version')).toMatch(/^\d+\.\d+\.\d+/);
    const facts = (await testIdText(page, 'pi-facts')) ?? '';
    expect(facts).toContain(sandbox.config.name);
    expect(facts).toMatch(/Android phone · Admin/);
    expect(await testIdText(page, 'quiet-off')).toMatch(/only urgent alerts/);
    expect(await page.getByRole('button', { name: 'Forget this Pi' }).count()).toBe(1);
  });

  it('shows the whole app offline: one bar, grey kept data, no actions, then Retry', async () => {
    await tab('Home').click();
    await page.getByTestId('drive-state').waitFor();
    await agent?.stop();
    agent = null;
    await page.reload();
    const bar = page.getByTestId('offline-bar');
    await bar.waitFor({ timeout: 10_000 });
    expect(await bar.textContent()).toMatch(/^Can’t reach the Pi · showing data from .*\d\dRetry$/);
    expect(await page.getByTestId('connection').count()).toBe(0);
    expect(await page.getByTestId('status').getAttribute('class')).toContain('is-stale');
    expect(await page.getByRole('button', { name: 'Unlock' }).isDisabled()).toBe(true);
    expect(await page.getByRole('link', { name: 'Unlock', exact: true }).count()).toBe(0);
    await screenshot(page, 'shell-offline');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'shell-offline-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // Alerts, Backups and Devices show what they last loaded, greyed, with no error.
    await tab(/^Alerts/).click();
    await page.getByTestId('active-alerts').waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    const snooze = page.getByRole('button', { name: /^Snooze/ }).first();
    expect(await snooze.isDisabled()).toBe(true);
    await tab('Backups').click();
    await page.getByTestId('backups-summary').waitFor();
    await tab('Settings').click();
    await page.getByRole('link', { name: /^Devices/ }).click();
    await devices(page).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'shell-offline-devices');

    agent = await startAgent(sandbox.configPath);
    await page.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => bar.count(), { timeout: 10_000 }).toBe(0);
    await tab('Home').click();
    expect(await page.getByTestId('status').getAttribute('class')).not.toContain('is-stale');
  });

  it('shows one clear screen, with one button, once this phone is removed', async () => {
    // A second admin first: the last admin cannot be revoked.
    await pairDevice(agent?.url ?? '', (await mintPairingCode(sandbox.configPath)).code, 'Laptop');
    const listed = await cli(['devices', 'list', '--config', sandbox.configPath, '--json']);
    const phone = (JSON.parse(listed) as { id: string; name: string }[]).find(
      (device) => device.name === 'Android phone',
    );
    await cli(['devices', 'revoke', phone?.id ?? 'none', '--config', sandbox.configPath]);
    await page
      .getByRole('heading', { name: 'This phone was removed' })
      .waitFor({ timeout: 15_000 });
    expect(await page.getByRole('button').allTextContents()).toEqual(['Pair again']);
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    expect(await page.getByText('Connecting…').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'shell-removed');
    await page.getByRole('button', { name: 'Pair again' }).click();
    await page.getByRole('heading', { name: 'Welcome to immich-pi' }).waitFor();
  });

  it('welcomes with Pair on the first screen, and installs with one button where it can', async () => {
    const pair = page.getByRole('button', { name: 'Pair with your Pi' });
    await pair.waitFor();
    const box = await pair.boundingBox();
    expect((box?.y ?? 1e9) + (box?.height ?? 0)).toBeLessThanOrEqual(844);
    // Chromium offers to install the app from localhost too, so its own prompt may be here
    // already; this stand-in takes its place, to see that the button shows the prompt.
    await page.evaluate(() => {
      const offer = Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
        prompt: async () => {
          (window as unknown as { prompted: boolean }).prompted = true;
        },
      });
      dispatchEvent(offer);
    });
    await page.getByRole('button', { name: 'Install immich-pi' }).click();
    expect(await page.evaluate(() => (window as unknown as { prompted?: boolean }).prompted)).toBe(
      true,
    );
    // Used once: the button goes, as the browser's prompt cannot be shown twice.
    expect(await page.getByRole('button', { name: 'Install immich-pi' }).count()).toBe(0);
  });

  it('never broke the content security policy', () => {
    expect(violations).toEqual([]);
  });
});
