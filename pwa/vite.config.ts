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
    // No <link rel=modulepreload> per dependency of a lazy import: Vite's helper made one for each
    // (15 for Home's parts), and adding them cost a phone-speed 50 ms task as Home started
    // (measured); the browser fetches a lazy chunk's imports itself, from the service worker's
    // cache. The helper still adds a lazy screen's CSS. (Its polyfill would be an inline script,
    // which the CSP of ARCHITECTURE §12 refuses.)
    modulePreload: false,
    // Nothing inlined as data: URLs into JS: every asset is a file the CSP allows as 'self'.
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
    rolldownOptions: {
      output: {
        // The first screen's code is one chunk: main.tsx and everything it imports statically.
        // Without this group, Rolldown splits each module the shell shares with a lazy screen
        // into a chunk of its own, and the first load pays a request and a gzip window for each
        // (measured: 7 files and 33.2 KB instead of 1 and 29.9 KB). The lazy screens stay lazy.
        codeSplitting: {
          groups: [
            { name: 'shell', test: /pwa\/src\/main\.tsx$/, includeDependenciesRecursively: true },
          ],
        },
      },
    },
  },
});
