// A QR code drawn as SVG elements (the CSP allows no HTML strings, §12): black on white with
// its quiet zone in light and dark themes alike, since cameras look for dark modules on light.
import { useMemo } from 'preact/hooks';
import { type QrMatrix, qrMatrix } from '../qr/qr-matrix.ts';

/** QUIET is the light margin around the code, in modules: the standard asks for 4. */
const QUIET = 4;

/** modulePath is one path of the dark modules, a rectangle for each run of them in a row. */
export function modulePath(matrix: QrMatrix): string {
  const parts: string[] = [];
  for (const [row, modules] of matrix.entries()) {
    let start = -1;
    for (let col = 0; col <= modules.length; col++) {
      const dark = modules[col] === true;
      if (dark && start < 0) start = col;
      if (!dark && start >= 0) {
        parts.push(`M${start + QUIET} ${row + QUIET}h${col - start}v1h${start - col}z`);
        start = -1;
      }
    }
  }
  return parts.join('');
}

/** QrCode shows text as a QR code, named for screen readers by label. */
export function QrCode(props: { text: string; label: string; class?: string }) {
  const matrix = useMemo(() => qrMatrix(props.text), [props.text]);
  const side = matrix.length + 2 * QUIET;
  return (
    <svg
      class={props.class}
      viewBox={`0 0 ${side} ${side}`}
      role="img"
      aria-label={props.label}
      shape-rendering="crispEdges"
      data-modules={matrix.length}
    >
      <rect width={side} height={side} fill="#fff" />
      <path d={modulePath(matrix)} fill="#000" />
    </svg>
  );
}
