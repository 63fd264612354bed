// The statistics page's arithmetic (pure): ISO week names for the query, and tables of one
// dimension (category, age band, language or outcome) per period, summed from the server's
// cells with small-cell suppression kept intact (storage/stats_store.h, k = 5).
//
// The server reports each cell of week × category × age band × language × outcome with its count,
// or null when it counts 1 to 4 conversations. A sum over suppressed cells cannot be known, so a
// table cell that includes any is shown as the range it must lie in (each suppressed cell adds 1
// to 4), and as "<5" when that whole range is below 5 — never as a number that could be below 5.
// No cell is ever derived by subtracting one reported figure from another.

import type { StatsRow } from '../console/api';

export type Dimension = 'category' | 'ageBand' | 'language' | 'outcome';
export const kDimensions: readonly Dimension[] = ['category', 'ageBand', 'language', 'outcome'];

/** The smallest count a report shows (storage kMinimumReportedCount). */
export const kMinimumCount = 5;

export interface CellSum {
  /** The sum of the cells that were reported. */
  readonly known: number;
  /** How many suppressed cells (1 to 4 each) fall into this one. */
  readonly suppressed: number;
}

export interface DimensionTable {
  readonly dimension: Dimension;
  readonly periods: readonly string[];
  /** The dimension's values in order of first appearance in `order`, then the rest sorted. */
  readonly values: readonly string[];
  cell(period: string, value: string): CellSum;
}

const kEmpty: CellSum = { known: 0, suppressed: 0 };

/** Sums `rows` by period and one dimension. `order`: known codes first, in this order. */
export function tableBy(rows: readonly StatsRow[], dimension: Dimension, order: readonly string[] = []): DimensionTable {
  const sums = new Map<string, { known: number; suppressed: number }>();
  const periods = new Set<string>();
  const seen = new Set<string>();
  for (const row of rows) {
    const value = row[dimension];
    periods.add(row.period);
    seen.add(value);
    const key = `${row.period}\u0000${value}`;
    const sum = sums.get(key) ?? { known: 0, suppressed: 0 };
    if (row.count === null) sum.suppressed += 1;
    else sum.known += row.count;
    sums.set(key, sum);
  }
  const values = [...order.filter((code) => seen.has(code)), ...[...seen].filter((code) => !order.includes(code)).sort()];
  return {
    dimension,
    periods: [...periods].sort(),
    values,
    cell: (period, value) => sums.get(`${period}\u0000${value}`) ?? kEmpty,
  };
}

/** The bounds a summed cell must lie within. */
export function bounds(cell: CellSum): { readonly low: number; readonly high: number } {
  return { low: cell.known + cell.suppressed, high: cell.known + 4 * cell.suppressed };
}

/** How a cell reads: "0", "17", "<5", or a range "7–13" when suppressed cells are inside. */
export function formatCell(cell: CellSum, formatNumber: (n: number) => string = String): string {
  if (cell.suppressed === 0) return formatNumber(cell.known);
  const { low, high } = bounds(cell);
  if (high < kMinimumCount) return `<${kMinimumCount}`;
  return `${formatNumber(low)}–${formatNumber(high)}`;
}

/** A number for a chart: exact cells as they are, suppressed-only cells as null (drawn as a stub). */
export function chartValue(cell: CellSum): number | null {
  if (cell.suppressed === 0) return cell.known;
  return cell.known === 0 ? null : cell.known;
}

// --- ISO weeks ---

/** The ISO 8601 week of a UTC date, as "2025-W03". */
export function isoWeekOf(date: Date): string {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = day.getUTCDay() === 0 ? 7 : day.getUTCDay();
  day.setUTCDate(day.getUTCDate() + 4 - weekday); // the Thursday of this week decides the year
  const year = day.getUTCFullYear();
  const week = Math.ceil(((day.getTime() - Date.UTC(year, 0, 1)) / 86400000 + 1) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The week `weeks` before (negative: after) the week of `date`. */
export function isoWeekBefore(date: Date, weeks: number): string {
  return isoWeekOf(new Date(date.getTime() - weeks * 7 * 86400000));
}

export function isIsoWeek(text: string): boolean {
  const match = /^(\d{4})-W(\d{2})$/.exec(text);
  return match !== null && Number(match[2]) >= 1 && Number(match[2]) <= 53;
}
