// Serves the built PWA: hashed assets cached for a year, the shell and service worker never cached.
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import type { AppEnv } from './env.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.webmanifest', '.svg', '.txt']);

interface Asset {
  body: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer> | null;
  type: string;
  cacheControl: string;
}

/** listFiles walks the PWA directory once; only files found here are ever served. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

async function loadAssets(pwaDir: string): Promise<Map<string, Asset>> {
  const assets = new Map<string, Asset>();
  for (const file of await listFiles(pwaDir)) {
    const urlPath = `/${relative(pwaDir, file).split(sep).join('/')}`;
    const ext = extname(file);
    const body = new Uint8Array(await readFile(file));
    const hashed = urlPath.startsWith('/assets/');
    assets.set(urlPath, {
      body,
      gzip: COMPRESSIBLE.has(ext) && body.length > 1024 ? new Uint8Array(gzipSync(body)) : null,
      type: TYPES[ext] ?? 'application/octet-stream',
      // Hashed names change with their content; everything else must be revalidated.
      cacheControl: hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  }
  return assets;
}

/** pwaRoutes serves the app from memory (loaded on first request, so start-up stays fast). */
export function pwaRoutes(pwaDir: string | undefined) {
  let assets: Promise<Map<string, Asset>> | null = null;
  const app = new Hono<AppEnv>();
  app.on(['GET', 'HEAD'], '*', async (c, next) => {
    if (!pwaDir || c.req.path.startsWith('/api/')) return next();
    assets ??= loadAssets(pwaDir).catch((error) => {
      assets = null; // try again on the next request: the build may have been missing for a moment
      throw error;
    });
    const all = await assets;
    // Client-side routes (/devices, /pair...) get the shell; a missing file with an extension is a 404.
    const path = c.req.path === '/' || !extname(c.req.path) ? '/index.html' : c.req.path;
    const asset = all.get(path);
    if (!asset) return next();
    const gzip =
      asset.gzip && /\bgzip\b/.test(c.req.header('accept-encoding') ?? '') ? asset.gzip : null;
    c.header('Content-Type', asset.type);
    c.header('Cache-Control', asset.cacheControl);
    c.header('Vary', 'Accept-Encoding');
    if (gzip) c.header('Content-Encoding', 'gzip');
    if (c.req.method === 'HEAD') return c.body(null);
    return c.body(gzip ?? asset.body);
  });
  return app;
}
