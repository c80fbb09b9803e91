// A platform authenticator for headless Chromium (CDP WebAuthn domain): Face ID as a test sees it.
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
