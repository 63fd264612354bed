// Small SVG charts drawn by our own code (no chart library): a line chart for the operator
// view's last 24 hours and a bar chart for the statistics. The geometry is pure (tested under
// node); `lineChart` and `barChart` turn it into SVG elements. Colours come from CSS classes
// (series-0, series-1, …), so the page's stylesheet decides contrast; no inline styles (the
// console's CSP has no 'unsafe-inline').

const kSvg = 'http://www.w3.org/2000/svg';

export interface ChartFrame {
  readonly width: number;
  readonly height: number;
  /** Room for the axis labels. */
  readonly left: number;
  readonly bottom: number;
  readonly top: number;
  readonly right: number;
}

export const kDefaultFrame: ChartFrame = { width: 640, height: 200, left: 40, bottom: 28, top: 10, right: 10 };

/** A "nice" upper bound for the y axis (1, 2, 5 × 10^n) and its ticks, from 0. */
export function niceScale(maximum: number, targetTicks = 4): { readonly max: number; readonly ticks: readonly number[] } {
  if (!(maximum > 0)) return { max: 1, ticks: [0, 1] };
  const rough = maximum / targetTicks;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= rough) ?? 10 * magnitude;
  const wholeStep = Math.max(1, step);
  const max = Math.ceil(maximum / wholeStep) * wholeStep;
  const ticks: number[] = [];
  for (let tick = 0; tick <= max + 1e-9; tick += wholeStep) ticks.push(tick);
  return { max, ticks };
}

/** The x of point `index` of `count`, spread over the plot area. */
export function xAt(frame: ChartFrame, index: number, count: number): number {
  const plot = frame.width - frame.left - frame.right;
  return count <= 1 ? frame.left + plot / 2 : frame.left + (plot * index) / (count - 1);
}

/** The y of `value` on a scale from 0 to `max`. */
export function yAt(frame: ChartFrame, value: number, max: number): number {
  const plot = frame.height - frame.top - frame.bottom;
  return frame.top + plot - (plot * Math.min(Math.max(value, 0), max)) / max;
}

function round(value: number): string {
  return (Math.round(value * 10) / 10).toString();
}

/** The SVG path of one series ("M x y L x y …"); empty for no points. */
export function linePath(frame: ChartFrame, values: readonly number[], max: number): string {
  return values
    .map((value, index) => `${index === 0 ? 'M' : 'L'}${round(xAt(frame, index, values.length))} ${round(yAt(frame, value, max))}`)
    .join(' ');
}

export interface BarGeometry {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Bars of `values` side by side, with a gap between them. */
export function barGeometry(frame: ChartFrame, values: readonly number[], max: number): BarGeometry[] {
  const plot = frame.width - frame.left - frame.right;
  const slot = values.length === 0 ? plot : plot / values.length;
  const width = Math.max(1, slot * 0.7);
  return values.map((value, index) => {
    const y = yAt(frame, value, max);
    return { x: frame.left + slot * index + (slot - width) / 2, y, width, height: frame.top + (frame.height - frame.top - frame.bottom) - y };
  });
}

function node<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const element = document.createElementNS(kSvg, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

function axes(svg: SVGSVGElement, frame: ChartFrame, scale: { max: number; ticks: readonly number[] }, format: (n: number) => string): void {
  for (const tick of scale.ticks) {
    const y = round(yAt(frame, tick, scale.max));
    svg.append(node('line', { x1: frame.left, x2: frame.width - frame.right, y1: y, y2: y, class: 'grid' }));
    svg.append(node('text', { x: frame.left - 6, y, class: 'tick y', 'text-anchor': 'end', 'dominant-baseline': 'middle' }, format(tick)));
  }
}

function xLabels(svg: SVGSVGElement, frame: ChartFrame, labels: readonly string[], every: number, positions: (index: number) => number): void {
  labels.forEach((label, index) => {
    if (label === '' || index % every !== 0) return;
    svg.append(node('text', { x: round(positions(index)), y: frame.height - 8, class: 'tick x', 'text-anchor': 'middle' }, label));
  });
}

function frameSvg(frame: ChartFrame, title: string): SVGSVGElement {
  const svg = node('svg', { viewBox: `0 0 ${frame.width} ${frame.height}`, role: 'img', 'aria-label': title, class: 'chart' });
  svg.append(node('title', {}, title));
  return svg;
}

export interface Series {
  readonly label: string;
  readonly values: readonly number[];
}

/**
 * A line chart of `series` over `labels` (x axis; every `labelEvery`-th is written). `title` is
 * the accessible name; the numbers themselves are in a table next to it for screen readers.
 */
export function lineChart(title: string, labels: readonly string[], series: readonly Series[], format: (n: number) => string, labelEvery = 1, frame = kDefaultFrame): SVGSVGElement {
  const svg = frameSvg(frame, title);
  const scale = niceScale(Math.max(0, ...series.flatMap((one) => one.values)));
  axes(svg, frame, scale, format);
  xLabels(svg, frame, labels, labelEvery, (index) => xAt(frame, index, labels.length));
  series.forEach((one, index) => {
    svg.append(node('path', { d: linePath(frame, one.values, scale.max), class: `line series-${index}`, fill: 'none' }));
    // Few points make short or no lines: mark each point (always the latest) so it shows.
    one.values.forEach((value, at) => {
      if (one.values.length >= 8 && at !== one.values.length - 1) return;
      svg.append(node('circle', { cx: round(xAt(frame, at, one.values.length)), cy: round(yAt(frame, value, scale.max)), r: 3.5, class: `point series-${index}` }));
    });
  });
  return svg;
}

/** A bar chart; null values (suppressed) are drawn as a hatched stub of the smallest bar. */
export function barChart(title: string, labels: readonly string[], values: readonly (number | null)[], format: (n: number) => string, frame = kDefaultFrame): SVGSVGElement {
  const svg = frameSvg(frame, title);
  const scale = niceScale(Math.max(0, ...values.map((value) => value ?? 0)));
  axes(svg, frame, scale, format);
  const bars = barGeometry(frame, values.map((value) => value ?? 0), scale.max);
  bars.forEach((bar, index) => {
    const suppressed = values[index] === null;
    const height = suppressed ? Math.max(3, bar.height) : bar.height;
    svg.append(node('rect', { x: round(bar.x), y: round(bar.y + bar.height - height), width: round(bar.width), height: round(height), class: suppressed ? 'bar suppressed' : 'bar' }));
  });
  xLabels(svg, frame, labels, 1, (index) => (bars[index]?.x ?? 0) + (bars[index]?.width ?? 0) / 2);
  return svg;
}
