// qrcode-terminal's vendored encoder (Kazuhiko Arase's QRCode for JavaScript) ships no types;
// these are the calls qr-matrix.ts makes.
declare module 'qrcode-terminal/vendor/QRCode/index.js' {
  export default class QRCode {
    /** typeNumber 1-40, or -1 for the smallest that holds the data. */
    constructor(typeNumber: number, errorCorrectLevel: number);
    addData(text: string): void;
    make(): void;
    getModuleCount(): number;
    isDark(row: number, col: number): boolean;
  }
}

declare module 'qrcode-terminal/vendor/QRCode/QRErrorCorrectLevel.js' {
  const levels: { L: number; M: number; Q: number; H: number };
  export default levels;
}
