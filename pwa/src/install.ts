// Chromium's install prompt, kept for an in-app Install button: Safari and Firefox have none, so
// the welcome's steps stay for them.
import { signal } from '@preact/signals';

/** InstallPrompt is the part of Chromium's BeforeInstallPromptEvent the app uses. */
interface InstallPrompt extends Event {
  prompt(): Promise<unknown>;
}

/** installPrompt is the deferred prompt while the browser offers to install, else null. */
export const installPrompt = signal<InstallPrompt | null>(null);

// Listened for from the first load: the event may fire before a lazy screen is there to see it.
addEventListener('beforeinstallprompt', (event) => {
  event.preventDefault(); // the app's own button asks, instead of the browser's mini bar
  installPrompt.value = event as InstallPrompt;
});
addEventListener('appinstalled', () => {
  installPrompt.value = null;
});

/** install shows the browser's own install dialog; a prompt can be used once. */
export async function install(): Promise<void> {
  const prompt = installPrompt.value;
  installPrompt.value = null;
  await prompt?.prompt();
}
