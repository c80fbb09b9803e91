// The service worker: the app shell precached for offline use; API answers are never cached.
import {
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: Array<{ url: string; revision: string | null }>;
};

// scripts/build-pwa.mjs replaces self.__WB_MANIFEST with the list of built files (Workbox injectManifest).
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Every app path (/, /devices, ...) opens the precached shell; /api/ always goes to the network.
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/api\//] }),
);

/** activateAtOnce lets a new version take over without waiting for every tab to close. */
async function activateAtOnce(): Promise<void> {
  await self.skipWaiting();
}

/** controlOpenPages puts pages opened before this worker under its control (offline reloads work). */
async function controlOpenPages(): Promise<void> {
  await self.clients.claim();
}

self.addEventListener('install', (event) => event.waitUntil(activateAtOnce()));
self.addEventListener('activate', (event) => event.waitUntil(controlOpenPages()));
