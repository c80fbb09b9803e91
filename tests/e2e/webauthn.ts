// A platform authenticator for headless Chromium (CDP WebAuthn domain): Face ID as a test sees it,
// and turning quick unlock on through the app with it.
import type { CDPSession, Page } from 'playwright-core';

/** VirtualAuthenticator is one CDP virtual authenticator on a page's browser tab. */
export interface VirtualAuthenticator {
  cdp: CDPSession;
  id: string;
  /** deletePasskeys removes every passkey, as the owner can in the phone's settings. */
  deletePasskeys(): Promise<void>;
  /** credentialCount answers how many passkeys the authenticator holds. */
  credentialCount(): Promise<number>;
}

/**
 * addPlatformAuthenticator gives the page a built-in (transport internal), user-verifying CTAP2
 * authenticator with resident keys that answers at once, with or without the PRF extension.
 */
export async function addPlatformAuthenticator(
  page: Page,
  options: { hasPrf: boolean },
): Promise<VirtualAuthenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId: id } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      ctap2Version: 'ctap2_1',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      hasPrf: options.hasPrf,
      automaticPresenceSimulation: true,
    },
  });
  return {
    cdp,
    id,
    deletePasskeys: async () => {
      await cdp.send('WebAuthn.clearCredentials', { authenticatorId: id });
    },
    credentialCount: async () =>
      (await cdp.send('WebAuthn.getCredentials', { authenticatorId: id })).credentials.length,
  };
}

/** turnOnQuickUnlock turns Face ID unlock on from the app's Settings, as the owner does once. */
export async function turnOnQuickUnlock(page: Page, origin: string, passphrase: string) {
  await page.goto(new URL('/settings', origin).href);
  await page.getByRole('button', { name: 'Turn on Face ID unlock' }).click();
  await page.getByLabel('Drive passphrase').fill(passphrase);
  await page.getByRole('button', { name: 'Check and turn on' }).click();
  // The check runs the drive's KDF once.
  await page.getByRole('button', { name: 'Turn off Face ID unlock' }).waitFor({ timeout: 30_000 });
}
