// The TOTP set-up QR code, drawn here as an SVG (qrcode-generator computes the modules; nothing
// is fetched from anyone). The code carries the TOTP secret: it exists only in this page's DOM
// during enrolment and goes with the enrolment screen.

import qrcode from 'qrcode-generator';

const kSvg = 'http://www.w3.org/2000/svg';
/** Four modules of light border, as the QR standard asks for. */
const kQuietZone = 4;

/** The dark modules of `text` (byte mode, error correction M) as rows of booleans. */
export function qrModules(text: string): boolean[][] {
  const code = qrcode(0, 'M');
  code.addData(text, 'Byte');
  code.make();
  const size = code.getModuleCount();
  const rows: boolean[][] = [];
  for (let row = 0; row < size; row++) {
    const cells: boolean[] = [];
    for (let column = 0; column < size; column++) cells.push(code.isDark(row, column));
    rows.push(cells);
  }
  return rows;
}

/** One SVG path covering every dark module of `modules`, offset by the quiet zone. */
export function qrPath(modules: readonly (readonly boolean[])[]): string {
  const parts: string[] = [];
  modules.forEach((cells, row) => {
    cells.forEach((dark, column) => {
      if (dark) parts.push(`M${column + kQuietZone} ${row + kQuietZone}h1v1h-1z`);
    });
  });
  return parts.join('');
}

/** An accessible SVG image of the QR code for `text`. */
export function qrSvg(text: string, label: string): SVGSVGElement {
  const modules = qrModules(text);
  const size = modules.length + 2 * kQuietZone;
  const svg = document.createElementNS(kSvg, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('class', 'qr');
  svg.setAttribute('shape-rendering', 'crispEdges');
  const background = document.createElementNS(kSvg, 'rect');
  background.setAttribute('width', String(size));
  background.setAttribute('height', String(size));
  background.setAttribute('fill', '#ffffff');
  const path = document.createElementNS(kSvg, 'path');
  path.setAttribute('d', qrPath(modules));
  path.setAttribute('fill', '#000000');
  svg.append(background, path);
  return svg;
}
