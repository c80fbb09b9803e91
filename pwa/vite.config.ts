// Vite build of the PWA shell; scripts/build-pwa.mjs adds the service worker and checks the budget.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  publicDir: 'public',
  // The agent serves index.html for every app path, so assets are addressed from the root.
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/pwa', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // The polyfill would be an inline script, which the CSP (ARCHITECTURE §12) refuses.
    modulePreload: { polyfill: false },
    // Nothing inlined as data: URLs into JS: every asset is a file the CSP allows as 'self'.
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
  },
});
