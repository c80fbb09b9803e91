// The service worker: the app shell precached for offline use, API answers never cached; push alerts.
import {
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { notificationFromPush, notificationTarget } from './push.ts';

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

/** showPush shows every push, readable or not: browsers revoke push from workers that stay silent. */
async function showPush(event: PushEvent): Promise<void> {
  const { title, options } = notificationFromPush(event.data ? event.data.text() : null);
  await self.registration.showNotification(title, options);
}

/**
 * openNotificationTarget opens the notification's app path: in an open window of the app if there
 * is one (navigated first, since focusing needs the click's permission and may be refused), else
 * in a new window.
 */
async function openNotificationTarget(event: NotificationEvent): Promise<void> {
  event.notification.close();
  const path = notificationTarget(event.notification.data, self.location.origin);
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
  if (!open) {
    await self.clients.openWindow(path);
    return;
  }
  // navigate() works on windows this worker controls; others are told by message (app.tsx).
  const navigated = await open.navigate(path).catch(() => null);
  if (!navigated) open.postMessage({ type: 'navigate', path });
  await open.focus().catch(() => undefined);
}

self.addEventListener('push', (event) => event.waitUntil(showPush(event)));
self.addEventListener('notificationclick', (event) =>
  event.waitUntil(openNotificationTarget(event)),
);
