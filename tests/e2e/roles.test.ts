// Roles in real Chromium (ARCHITECTURE §14): an admin phone makes a viewer code from Devices, a
// second phone pairs with it and sees everything but the admin actions, with the admin named where
// Unlock would be; the admin then makes it an admin. Screenshots go to tests/artifacts/roles-*.png.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  mintPairingCode,
  openPhone,
  type Phone,
  type Rig,
  screenshot,
  startRig,
  testIdText,
} from './harness.ts';

const ADMIN_NAME = 'Anna’s phone';
const VIEWER_NAME = 'Kitchen tablet';

/** pairAs pairs a phone's app with a code under a name, and answers the "Paired" screen's role card. */
async function pairAs(page: Page, origin: string, code: string, name: string): Promise<string> {
  await page.goto(new URL('/pair', origin).href);
  await page.getByLabel('Pairing code').fill(code);
  await page.getByLabel('Name for this device').fill(name);
  await page.getByRole('button', { name: 'Pair', exact: true }).click();
  await page.getByRole('heading', { name: 'Paired' }).waitFor();
  return (await testIdText(page, 'paired-role')) ?? '';
}

/** deviceRow is the Devices list's item for the device of that name. */
const deviceRow = (page: Page, name: string) =>
  page.getByTestId('device').filter({ has: page.getByText(name, { exact: true }) });

describe('roles in Chromium', () => {
  let rig: Rig | null = null;
  let viewerPhone: Phone | null = null;
  let admin: Page;
  let viewer: Page;
  let origin: string;

  beforeAll(async () => {
    rig = await startRig({}, async (made) => {
      await made.seedBackupHistory({ days: 3, lastRunEndedAt: Date.now() - 3_600_000 });
    });
    origin = new URL(rig.agent.url).origin;
    admin = rig.phone.page;
    // The first device paired is an admin, whatever the code says.
    const first = await mintPairingCode(rig.sandbox.configPath);
    expect(await pairAs(admin, origin, first.code, ADMIN_NAME)).toContain(
      'This device is an Admin',
    );
    await admin.getByRole('button', { name: 'Go to Home' }).click();
    await admin.getByTestId('status').waitFor();
    viewerPhone = await openPhone();
    viewer = viewerPhone.page;
  });

  afterAll(async () => {
    await viewerPhone?.close();
    await rig?.close();
  });

  it('lets an admin make a code for a viewer, chosen first, and says whom it is for', async () => {
    await admin.getByRole('link', { name: 'Settings' }).click();
    await admin.getByRole('link', { name: /^Devices/ }).click();
    const choice = admin.getByRole('group', { name: 'The new device will be' });
    await choice.waitFor();
    expect(await choice.getByRole('radio', { name: /Viewer/ }).isChecked()).toBe(true);
    expect(await choice.getByRole('radio', { name: /Admin/ }).isChecked()).toBe(false);
    await admin.getByRole('button', { name: 'Make a pairing code' }).click();
    await expect.poll(() => testIdText(admin, 'new-code')).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(await testIdText(admin, 'new-code-role')).toBe(
      'For a Viewer: family: can see status, backups and alerts.',
    );
    await screenshot(admin, 'roles-admin-code');
  });

  it('tells the new device what it may do once paired', async () => {
    const code = (await testIdText(admin, 'new-code')) ?? '';
    const role = await pairAs(viewer, origin, code, VIEWER_NAME);
    expect(role).toContain('This device is a Viewer');
    expect(role).toContain('Family: can see status, backups and alerts');
    await screenshot(viewer, 'roles-viewer-paired');
    await viewer.getByRole('button', { name: 'Go to Home' }).click();
  });

  it('shows a viewer’s Home without admin actions, naming the admin to ask', async () => {
    await expect
      .poll(() => testIdText(viewer, 'ask-admin'), { timeout: 10_000 })
      .toBe(`Ask ${ADMIN_NAME} to unlock.`);
    expect(await testIdText(viewer, 'drive-state')).toBe('locked');
    // The backup tile is a lazy chunk: it draws a moment after the first screen.
    await expect
      .poll(() => testIdText(viewer, 'home-backup'), { timeout: 10_000 })
      .toMatch(/Last good backup/);
    for (const name of ['Unlock', 'Lock', 'Back up now'])
      expect(await viewer.getByRole('button', { name, exact: true }).count()).toBe(0);
    expect(await viewer.getByRole('link', { name: 'Unlock', exact: true }).count()).toBe(0);
    await screenshot(viewer, 'roles-viewer-home');
    // The audit log is for admins: Settings shows a viewer the way to Devices, not to Activity.
    await viewer.getByRole('link', { name: 'Settings' }).click();
    await viewer.getByRole('link', { name: /^Devices/ }).waitFor();
    expect(await viewer.getByRole('link', { name: /^Activity/ }).count()).toBe(0);
    await viewer.getByRole('link', { name: 'Home', exact: true }).click();
  });

  it('shows a viewer backups without “Back up now”, and no unlock form at /unlock', async () => {
    await viewer.getByRole('link', { name: 'Backups' }).first().click();
    await viewer.getByTestId('backups-summary').waitFor();
    await viewer.getByTestId('backup-row').first().waitFor();
    expect(await viewer.getByTestId('backup-now').count()).toBe(0);

    // An old "storage locked" notification opens /unlock.
    await viewer.goto(new URL('/unlock', origin).href);
    await expect
      .poll(() => testIdText(viewer, 'admin-must-unlock'), { timeout: 10_000 })
      .toBe(`Only an admin device can unlock the drive. Ask ${ADMIN_NAME} to unlock.`);
    expect(await viewer.getByLabel(/Passphrase/i).count()).toBe(0);
    await screenshot(viewer, 'roles-viewer-unlock');
  });

  it('lists every device and its role to a viewer, with actions on itself only', async () => {
    await viewer.goto(new URL('/devices', origin).href);
    const own = deviceRow(viewer, VIEWER_NAME);
    const other = deviceRow(viewer, ADMIN_NAME);
    await own.waitFor();
    expect(await own.getByTestId('device-role').textContent()).toBe('Viewer');
    expect(await other.getByTestId('device-role').textContent()).toBe('Admin');
    expect(await own.getByRole('button').allTextContents()).toEqual(['Rename', 'Revoke']);
    expect(await other.getByRole('button').count()).toBe(0);
    expect(await viewer.getByRole('button', { name: 'Make a pairing code' }).count()).toBe(0);
    await screenshot(viewer, 'roles-viewer-devices');
  });

  it('keeps the last admin: demoting it is refused in words', async () => {
    await admin.getByRole('link', { name: 'Settings' }).first().click();
    await admin.getByRole('link', { name: /^Devices/ }).click();
    const own = deviceRow(admin, ADMIN_NAME);
    await own.getByRole('button', { name: 'Make viewer' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Make this device a viewer?' });
    await dialog.getByRole('button', { name: 'Make viewer' }).click();
    await expect
      .poll(() => testIdText(admin, 'role-refused'), { timeout: 10_000 })
      .toMatch(/^This is the last admin device\./);
    await screenshot(admin, 'roles-last-admin');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('lets an admin make the viewer an admin, and the new admin’s Home offers Unlock', async () => {
    const row = deviceRow(admin, VIEWER_NAME);
    expect(await row.getByTestId('device-role').textContent()).toBe('Viewer');
    await row.getByRole('button', { name: 'Make admin' }).click();
    const dialog = admin.getByRole('dialog', { name: `Make “${VIEWER_NAME}” an admin?` });
    await dialog.getByRole('button', { name: 'Make admin' }).click();
    await expect.poll(() => row.getByTestId('device-role').textContent()).toBe('Admin');
    await screenshot(admin, 'roles-admin-devices');

    await viewer.getByRole('link', { name: 'Home', exact: true }).click();
    await viewer.getByRole('link', { name: 'Unlock', exact: true }).waitFor({ timeout: 10_000 });
    expect(await viewer.getByTestId('ask-admin').count()).toBe(0);
    await viewer.getByRole('link', { name: 'Settings' }).click();
    await viewer.getByRole('link', { name: /^Activity/ }).waitFor({ timeout: 10_000 });
  });

  it('never broke either phone’s content security policy', () => {
    expect(rig?.phone.violations).toEqual([]);
    expect(viewerPhone?.violations).toEqual([]);
  });
});
