// Draws the app icons (a padlock holding a flower) as PNGs with no image library: run once, commit the output.
// Usage: node scripts/make-icons.mjs [outDir]   (default pwa/public/icons)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

const BACKGROUND = [30, 58, 95]; // deep blue, the manifest's theme colour
const LOCK = [248, 250, 252];
const PETALS = [245, 158, 11]; // amber
const HEART = [30, 58, 95];
const SAMPLES = 4; // 4x4 supersampling for smooth edges

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** crc32 is the checksum every PNG chunk ends with (ISO 3309, as the PNG spec requires). */
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** encodePng writes 8-bit RGBA pixels as a PNG (filter 0 on every row, zlib-deflated). */
function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type RGBA, deflate, no filter, no interlace
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// Shapes are signed distances in a unit square (negative = inside).
const roundedBox = (x, y, cx, cy, hw, hh, r) => {
  const qx = Math.abs(x - cx) - hw + r;
  const qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const circle = (x, y, cx, cy, r) => Math.hypot(x - cx, y - cy) - r;

/** colourAt answers the colour of one point of the artwork, or null where it is transparent. */
function colourAt(x, y, { fullBleed, scale }) {
  // Scale the artwork about the centre so a maskable icon keeps it inside the 80% safe zone.
  const u = 0.5 + (x - 0.5) / scale;
  const w = 0.5 + (y - 0.5) / scale;
  const inBackground = fullBleed || roundedBox(x, y, 0.5, 0.5, 0.5, 0.5, 0.22) <= 0;
  if (!inBackground) return null;
  // The shackle: a ring whose lower half hides behind the body.
  const ring = Math.abs(circle(u, w, 0.5, 0.4, 0.15)) - 0.045;
  const body = roundedBox(u, w, 0.5, 0.6, 0.25, 0.19, 0.06);
  if (body <= 0) {
    // A four-petal flower (the photos inside) on the lock body.
    for (const [dx, dy] of [
      [0, -1],
      [1, 0],
      [0, 1],
      [-1, 0],
    ]) {
      if (circle(u, w, 0.5 + dx * 0.062, 0.6 + dy * 0.062, 0.062) <= 0) {
        return circle(u, w, 0.5, 0.6, 0.03) <= 0 ? HEART : PETALS;
      }
    }
    return LOCK;
  }
  if (ring <= 0 && w < 0.6) return LOCK;
  return BACKGROUND;
}

/** drawIcon renders one square icon with supersampled coverage. */
function drawIcon(size, options) {
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const colour = colourAt(
            (px + (sx + 0.5) / SAMPLES) / size,
            (py + (sy + 0.5) / SAMPLES) / size,
            options,
          );
          if (!colour) continue;
          r += colour[0];
          g += colour[1];
          b += colour[2];
          a += 1;
        }
      }
      const i = (py * size + px) * 4;
      if (a > 0) rgba.set([Math.round(r / a), Math.round(g / a), Math.round(b / a)], i);
      rgba[i + 3] = Math.round((a / (SAMPLES * SAMPLES)) * 255);
    }
  }
  return encodePng(size, rgba);
}

const ICONS = [
  { file: 'icon-192.png', size: 192, fullBleed: false, scale: 1 },
  { file: 'icon-512.png', size: 512, fullBleed: false, scale: 1 },
  // Maskable: the platform crops to any shape inside the central 80% circle, so fill the square.
  { file: 'icon-maskable-512.png', size: 512, fullBleed: true, scale: 0.85 },
  // iOS rounds the corners itself and shows transparency as black: full bleed.
  { file: 'apple-touch-icon.png', size: 180, fullBleed: true, scale: 0.9 },
];

const outDir = process.argv[2] ?? join(import.meta.dirname, '..', 'pwa', 'public', 'icons');
mkdirSync(outDir, { recursive: true });
for (const icon of ICONS) {
  const png = drawIcon(icon.size, icon);
  writeFileSync(join(outDir, icon.file), png);
  console.log(`${icon.file}: ${icon.size}x${icon.size}, ${png.length} bytes`);
}
