// A QR code as rows of dark and light modules, for the Devices screen to draw as SVG. The encoder
// is the one qrcode-terminal vendors (the CLI's QR comes from the same code); only Devices, a
// lazy screen, imports this, so it stays out of the first load (§12).
import QRCode from 'qrcode-terminal/vendor/QRCode/index.js';
import levels from 'qrcode-terminal/vendor/QRCode/QRErrorCorrectLevel.js';

/** QrMatrix is a square of modules, row by row: true is dark. */
export type QrMatrix = boolean[][];

/**
 * qrMatrix encodes text (bytes, so ASCII such as a URL) in the smallest version that holds it,
 * with error correction M: a smudged or glaring screen still reads.
 */
export function qrMatrix(text: string): QrMatrix {
  // The encoder writes each UTF-16 unit as one byte: beyond ASCII, the code would say other words.
  if (!/^[\x20-\x7e]*$/.test(text)) throw new Error('qrMatrix: only printable ASCII is encoded');
  const code = new QRCode(-1, levels.M);
  code.addData(text);
  code.make();
  const size = code.getModuleCount();
  return Array.from({ length: size }, (_, row) =>
    Array.from({ length: size }, (_, col) => code.isDark(row, col)),
  );
}
