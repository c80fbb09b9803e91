// Quick unlock in real Chromium with a CDP virtual authenticator (PRF on): turned on in Settings
// after a real passphrase check, the "storage locked" push after a restart opens Unlock, and one
// tap and the biometric unlock to "Immich is running"; its fallbacks; no PRF hides the switch.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSPHRASE, type SandboxPi } from '../../sandbox-pi/index.ts';
import { formatDriveImage } from '../fixtures/unlock-client.ts';
import {
  openPhone,
  type Phone,
  pairInApp,
  type Rig,
  type RunningAgent,
  screenshot,
  startAgent,
  startRig,
  testIdText,
} from './harness.ts';
import {
  clickNotification,
  deliverUntilShown,
  lockedAfterBootPush,
  serviceWorkerRegistration,
} from './push-delivery.ts';
import {
  addPlatformAuthenticator,
  turnOnQuickUnlock,
  type VirtualAuthenticator,
} from './webauthn.ts';

const QUICK = 'Unlock with Face ID / fingerprint';
const NO_PRF =
  'This phone’s passkeys cannot give the secret quick unlock needs (the PRF extension), so the passphrase stays typed here.';

describe('quick unlock in Chromium', () => {
  let rig: Rig | null = null;
  let restarted: RunningAgent | null = null;
  let sandbox: SandboxPi;
  let page: Page;
  let violations: string[] = [];
  /** The app's origin: localhost, since WebAuthn refuses IP addresses. */
  let origin: string;
  let authenticator: VirtualAuthenticator;

  beforeAll(async () => {
    rig = await startRig({}, async (made) => {
      if (!made.cryptsetupAvailable) throw new Error('this test needs cryptsetup installed');
    });
    sandbox = rig.sandbox;
    origin = new URL(sandbox.config.publicUrl).origin;
    expect(new URL(origin).hostname).toBe('localhost');
    ({ page, violations } = rig.phone);
    await page.context().grantPermissions(['notifications'], { origin });
    authenticator = await addPlatformAuthenticator(page, { hasPrf: true });
  });

  afterAll(async () => {
    await restarted?.stop();
    await rig?.close();
  });

  const unlockScreen = () => page.goto(new URL('/unlock', origin).href);
  const outcome = () => expect.poll(() => testIdText(page, 'outcome'), { timeout: 30_000 });

  it('checks the passphrase with the Pi before storing anything: a typo stores nothing', async () => {
    await pairInApp(page, origin, sandbox.configPath);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Turn on Face ID unlock' }).click();
    await page.getByLabel('Drive passphrase').fill('not the passphrase');
    await page.getByRole('button', { name: 'Check and turn on' }).click();
    await page
      .getByText(/^That is not the drive’s passphrase, so nothing was stored\. [1-4] tries? left/)
      .waitFor({ timeout: 20_000 });
    expect(await authenticator.credentialCount()).toBe(0);
  });

  it('turns on after the check with a passkey whose PRF seals the passphrase', async () => {
    await page.getByLabel('Drive passphrase').fill(DEMO_PASSPHRASE);
    await page.getByRole('button', { name: 'Check and turn on' }).click();
    await expect
      .poll(() => testIdText(page, 'quick-unlock-done'), { timeout: 20_000 })
      .toBe('On. Unlock now asks for Face ID or a fingerprint instead of the passphrase.');
    expect(await authenticator.credentialCount()).toBe(1);
    // What IndexedDB keeps: no passphrase in the clear, and no key that could be exported.
    const stored = await page.evaluate(storedQuickUnlock);
    expect(stored.fields).toEqual(['ciphertext', 'createdAt', 'credentialId', 'iv', 'salt']);
    expect(stored.text).not.toContain(DEMO_PASSPHRASE);
    await screenshot(page, 'quick-unlock-settings-on', { fullPage: true });
  });

  it('unlocks with one tap and the biometric, then locks again', async () => {
    await unlockScreen();
    await page.getByRole('button', { name: QUICK }).click();
    await outcome().toBe('Immich is running');
    await page.getByRole('link', { name: 'Go to Home' }).click();
    await page.getByRole('button', { name: 'Lock', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Lock' }).click();
    await outcome().toBe('Locked');
  });

  it('after a restart, the "storage locked" push opens Unlock: two taps to Immich running', async () => {
    await rig?.agent.stop();
    await sandbox.reboot();
    restarted = await startAgent(sandbox.configPath);
    await page.goto(new URL('/', origin).href);
    await expect.poll(() => testIdText(page, 'drive-state'), { timeout: 10_000 }).toBe('locked');

    // The authenticator's own CDP session: detaching another one ends the WebAuthn environment.
    const { cdp } = authenticator;
    const registrationId = await serviceWorkerRegistration(cdp, origin);
    const push = { origin, registrationId, data: lockedAfterBootPush(origin) };
    await deliverUntilShown(page, cdp, push, [
      { title: 'Pi restarted: storage is locked', tag: 'locked-after-boot' },
    ]);

    await clickNotification(page, 'locked-after-boot'); // tap 1
    await expect.poll(() => new URL(page.url()).pathname, { timeout: 10_000 }).toBe('/unlock');
    const quick = page.getByRole('button', { name: QUICK });
    await quick.waitFor();
    // The button leads, the typed form stays below it.
    const [button, field] = await Promise.all([
      quick.boundingBox(),
      page.getByLabel('Drive passphrase').boundingBox(),
    ]);
    expect(button?.y ?? 0).toBeLessThan(field?.y ?? 0);
    await screenshot(page, 'quick-unlock-from-notification');
    await quick.click(); // tap 2, then the glance
    await outcome().toBe('Immich is running');
    await screenshot(page, 'quick-unlock-done');
  });

  it('removes the stored copy and says so when the drive’s passphrase changed', async () => {
    await page.getByRole('link', { name: 'Go to Home' }).click();
    await page.getByRole('button', { name: 'Lock', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Lock' }).click();
    await outcome().toBe('Locked');
    await formatDriveImage(sandbox, 'a brand new passphrase');

    await unlockScreen();
    await page.getByRole('button', { name: QUICK }).click();
    await expect
      .poll(() => testIdText(page, 'quick-unlock-removed'), { timeout: 20_000 })
      .toMatch(/^The drive’s passphrase changed, .* turn Face ID unlock on again in Settings\.$/);
    expect(await page.getByRole('button', { name: QUICK }).count()).toBe(0);
    expect((await page.evaluate(storedQuickUnlock)).fields).toEqual([]);
    await screenshot(page, 'quick-unlock-passphrase-changed');
    await formatDriveImage(sandbox, DEMO_PASSPHRASE);
  });

  it('falls back to the typed passphrase, with the reason, when the passkey was deleted', async () => {
    await turnOnQuickUnlock(page, origin, DEMO_PASSPHRASE);
    await authenticator.deletePasskeys();
    await unlockScreen();
    await page.getByRole('button', { name: QUICK }).click();
    await expect
      .poll(() => testIdText(page, 'unlock-error'), { timeout: 10_000 })
      .toMatch(/cancelled, did not match, or the passkey is gone\. Type the passphrase instead\.$/);
    const field = page.getByLabel('Drive passphrase');
    expect(await field.evaluate((input) => input === document.activeElement)).toBe(true);
    await screenshot(page, 'quick-unlock-fallback');
  });

  it('turns off from Settings, saying the stored copy is gone', async () => {
    await page.goto(new URL('/settings', origin).href);
    await page.getByRole('button', { name: 'Turn off Face ID unlock' }).click();
    await expect
      .poll(() => testIdText(page, 'quick-unlock-done'))
      .toBe('Off. The stored passphrase was removed from this phone.');
    expect((await page.evaluate(storedQuickUnlock)).fields).toEqual([]);
    await unlockScreen();
    await page.getByLabel('Drive passphrase').waitFor();
    expect(await page.getByRole('button', { name: QUICK }).count()).toBe(0);
  });

  it('never broke its content security policy', () => {
    expect(violations).toEqual([]);
  });

  describe('on a phone whose authenticator has no PRF', () => {
    let phone: Phone | null = null;
    afterAll(async () => {
      await phone?.close();
    });

    it('does not offer the switch after the passkey turned out without PRF, and says why', async () => {
      phone = await openPhone();
      await addPlatformAuthenticator(phone.page, { hasPrf: false });
      const other = phone.page;
      await pairInApp(other, origin, sandbox.configPath);
      await other.goto(new URL('/settings', origin).href);
      await other.getByRole('button', { name: 'Turn on Face ID unlock' }).click();
      await other.getByLabel('Drive passphrase').fill(DEMO_PASSPHRASE);
      await other.getByRole('button', { name: 'Check and turn on' }).click();
      await expect
        .poll(() => testIdText(other, 'quick-unlock-unavailable'), { timeout: 20_000 })
        .toBe(NO_PRF);
      expect(await other.getByRole('button', { name: /Face ID unlock/ }).count()).toBe(0);
      expect((await other.evaluate(storedQuickUnlock)).fields).toEqual([]);
      // Remembered: the next visit says the same at once.
      await other.reload();
      await expect.poll(() => testIdText(other, 'quick-unlock-unavailable')).toBe(NO_PRF);
      await screenshot(other, 'quick-unlock-no-prf', { fullPage: true });
      expect(phone.violations).toEqual([]);
    });
  });
});

/** storedQuickUnlock runs in the page: the stored copy's field names and its bytes as text. */
async function storedQuickUnlock(): Promise<{ fields: string[]; text: string }> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open('immich-pi');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const value = await new Promise<Record<string, unknown> | undefined>((resolve, reject) => {
    const request = db.transaction('kv').objectStore('kv').get('quick-unlock');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  db.close();
  if (!value) return { fields: [], text: '' };
  const text = Object.values(value)
    .map((field) => (field instanceof Uint8Array ? new TextDecoder().decode(field) : String(field)))
    .join(' ');
  return { fields: Object.keys(value).sort(), text };
}
