// The matrix is read back with jsQR, an independent decoder, and checked against the QR standard
// (ISO/IEC 18004): size for the version, the three finder patterns, the timing patterns.
import jsQR from 'jsqr';
import { describe, expect, it } from 'vitest';
import { pairingLink } from '../../../shared/pairing-link.ts';
import { type QrMatrix, qrMatrix } from './qr-matrix.ts';

/** pixels draws a matrix as RGBA, black on white with a 4-module quiet zone, 4 px a module. */
function pixels(matrix: QrMatrix): { data: Uint8ClampedArray; width: number } {
  const scale = 4;
  const width = (matrix.length + 8) * scale;
  const data = new Uint8ClampedArray(width * width * 4).fill(255);
  for (const [r, row] of matrix.entries())
    for (const [c, dark] of row.entries()) {
      if (!dark) continue;
      for (let y = 0; y < scale; y++)
        for (let x = 0; x < scale; x++) {
          const at = (((r + 4) * scale + y) * width + (c + 4) * scale + x) * 4;
          data.fill(0, at, at + 3);
        }
    }
  return { data, width };
}

/** finderAt says whether a 7×7 finder pattern (ring, gap, 3×3 core) starts at row, col. */
function finderAt(matrix: QrMatrix, row: number, col: number): boolean {
  for (let r = 0; r < 7; r++)
    for (let c = 0; c < 7; c++) {
      const ring = r === 0 || r === 6 || c === 0 || c === 6;
      const core = r >= 2 && r <= 4 && c >= 2 && c <= 4;
      if (matrix[row + r]?.[col + c] !== (ring || core)) return false;
    }
  return true;
}

describe('qrMatrix', () => {
  const link = pairingLink('https://pi.tail1234.ts.net/', 'ABCD-EFGH');

  it('carries the pairing link, as an independent decoder reads it', () => {
    const { data, width } = pixels(qrMatrix(link));
    const read = jsQR(data, width, width);
    expect(read?.data).toBe(link);
  });

  it('is the smallest version at error correction M, with finders and timing patterns', () => {
    // 46 bytes need version 4 at M (it holds 62; version 3 holds 42): 4 × 4 + 17 modules a side.
    const matrix = qrMatrix(link);
    expect(link).toHaveLength(46);
    expect(matrix).toHaveLength(33);
    expect(matrix.every((row) => row.length === 33)).toBe(true);
    expect(finderAt(matrix, 0, 0)).toBe(true);
    expect(finderAt(matrix, 0, 33 - 7)).toBe(true);
    expect(finderAt(matrix, 33 - 7, 0)).toBe(true);
    expect(finderAt(matrix, 33 - 7, 33 - 7)).toBe(false);
    for (let i = 8; i < 33 - 8; i++) {
      expect(matrix[6]?.[i], `row 6, column ${i}`).toBe(i % 2 === 0);
      expect(matrix[i]?.[6], `column 6, row ${i}`).toBe(i % 2 === 0);
    }
    expect(qrMatrix('http://127.0.0.1:8480/pair#code=ABCD-EFGH')).toHaveLength(29);
  });

  it('refuses text beyond ASCII, which its byte mode would garble', () => {
    expect(() => qrMatrix('https://pi.test/pair#code=ÄBCD')).toThrow(/ASCII/);
  });
});
