// Registers the service worker under the CSP's Trusted Types rule (ARCHITECTURE §12).

// TypeScript's DOM library does not describe Trusted Types yet; this is the part used here.
interface TrustedTypePolicyFactory {
  createPolicy(
    name: string,
    rules: { createScriptURL(input: string): string },
  ): {
    createScriptURL(input: string): unknown;
  };
}

const SERVICE_WORKER_URL = '/sw.js';
let policy: ReturnType<TrustedTypePolicyFactory['createPolicy']> | null = null;

/**
 * serviceWorkerUrl answers '/sw.js' as a TrustedScriptURL where the browser enforces Trusted Types.
 * The policy "immich-pi" (the only one the CSP allows) lets through that one URL and nothing else.
 */
function serviceWorkerUrl(): string {
  const factory = (globalThis as { trustedTypes?: TrustedTypePolicyFactory }).trustedTypes;
  if (!factory) return SERVICE_WORKER_URL;
  policy ??= factory.createPolicy('immich-pi', {
    createScriptURL(input) {
      if (input !== SERVICE_WORKER_URL) throw new TypeError(`refused script URL: ${input}`);
      return input;
    },
  });
  // A TrustedScriptURL is accepted wherever a script URL string is.
  return policy.createScriptURL(SERVICE_WORKER_URL) as string;
}

/** registerServiceWorker installs the offline shell; failure only costs offline use. */
export async function registerServiceWorker(): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  try {
    await navigator.serviceWorker.register(serviceWorkerUrl(), { scope: '/' });
  } catch (error) {
    console.warn('service worker not registered', error);
  }
}
